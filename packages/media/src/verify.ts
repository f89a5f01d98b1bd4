import { readdir, stat } from "node:fs/promises";
import { join, posix, resolve } from "node:path";
import { execa } from "execa";
import type { types } from "hls-parser";
import { AqError } from "@aq/contracts";
import { MASTER_PLAYLIST, QC_REPORT, SEGMENTS_DIR } from "@aq/contracts";
import { playlistName, readPlaylist } from "./hls-playlists.js";
import { fileArg } from "./input-safety.js";
import type { RenditionPlan } from "./ladder.js";

/** One produced rendition: the shape the videos table stores (StoredRendition). */
export interface VerifiedRendition {
  name: string;
  width: number;
  height: number;
  bandwidth: number;
  averageBandwidth?: number;
}

export interface VerifiedOutput {
  outDir: string;
  masterPath: string;
  renditions: VerifiedRendition[];
  /** Every file of the output, relative to outDir with "/" separators, sorted. */
  files: string[];
  segmentCount: number;
  durationSeconds: number;
}

/** HLS allows EXTINF up to TARGETDURATION after rounding to the nearest integer. */
const DURATION_TOLERANCE_SECONDS = 0.5;

/**
 * The guide's output validation (docs/encoding-guide.md §6) and more: every check runs and every problem found is
 * listed in one VERIFY_FAILED error (details.problems).
 */
export async function verifyHlsOutput(outDir: string, plan: RenditionPlan[]): Promise<VerifiedOutput> {
  const root = resolve(outDir);
  const problems: string[] = [];
  // The QC report encodeVideo writes after verifying sits beside the guide's files: a finished
  // output verified again (a retried upload, aq encode's output) holds it.
  const expected = new Set<string>([MASTER_PLAYLIST, QC_REPORT]);
  const renditions: VerifiedRendition[] = [];
  const segmentCounts = new Map<string, number>();
  let durationSeconds = 0;

  const master = await readKind(root, MASTER_PLAYLIST, true, problems);
  if (master) {
    const planned = new Set(plan.map(playlistName));
    for (const variant of master.variants) {
      if (!planned.has(variant.uri)) problems.push(`master.m3u8 lists ${variant.uri}, which is not a planned rendition`);
    }
  }

  for (const rendition of plan) {
    const name = playlistName(rendition);
    expected.add(name);
    const variant = master?.variants.find((v) => v.uri === name);
    if (master && !variant) problems.push(`master.m3u8 does not list ${name}`);
    if (variant) {
      if (!(variant.bandwidth > 0)) problems.push(`master.m3u8: ${name} has no BANDWIDTH`);
      if (!variant.codecs) problems.push(`master.m3u8: ${name} has no CODECS`);
      if (!variant.resolution) problems.push(`master.m3u8: ${name} has no RESOLUTION`);
      else if (variant.resolution.width !== rendition.width || variant.resolution.height !== rendition.height) {
        problems.push(
          `master.m3u8: ${name} has RESOLUTION ${variant.resolution.width}x${variant.resolution.height}, planned ${rendition.width}x${rendition.height}`,
        );
      }
      renditions.push({
        name: rendition.name,
        width: rendition.width,
        height: rendition.height,
        bandwidth: variant.bandwidth,
        ...(variant.averageBandwidth ? { averageBandwidth: variant.averageBandwidth } : {}),
      });
    }

    const media = await readKind(root, name, false, problems);
    if (!media) continue;
    if (!media.endlist) problems.push(`${name} has no #EXT-X-ENDLIST`);
    if (media.segments.length === 0) problems.push(`${name} lists no segments`);
    segmentCounts.set(name, media.segments.length);
    let renditionSeconds = 0;
    for (const [i, segment] of media.segments.entries()) {
      renditionSeconds += segment.duration;
      if (segment.duration > media.targetDuration + DURATION_TOLERANCE_SECONDS) {
        problems.push(`${name}: segment ${i} lasts ${segment.duration} s, over the target duration ${media.targetDuration} s`);
      }
      const relative = segmentPath(segment.uri, rendition.name);
      if (!relative) {
        problems.push(`${name}: segment URI ${segment.uri} is not ${SEGMENTS_DIR}/${rendition.name}_<index>.ts`);
        continue;
      }
      expected.add(relative);
      const size = await fileSize(join(root, relative));
      if (size === null) problems.push(`${name}: ${segment.uri} does not exist`);
      else if (size === 0) problems.push(`${name}: ${segment.uri} is empty`);
    }
    durationSeconds = Math.max(durationSeconds, renditionSeconds);
  }

  if (new Set(segmentCounts.values()).size > 1) {
    problems.push(`renditions have different segment counts (${[...segmentCounts].map(([n, c]) => `${n}: ${c}`).join(", ")})`);
  }

  const files = await listFiles(root);
  for (const file of files) {
    if (!expected.has(file)) problems.push(`unexpected file ${file}`);
  }

  if (master && problems.length === 0) {
    const probeProblem = await probeMaster(root, plan);
    if (probeProblem) problems.push(probeProblem);
  }

  if (problems.length > 0) {
    throw new AqError(
      "VERIFY_FAILED",
      `HLS output failed verification: ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? ` (+${problems.length - 5} more)` : ""}`,
      {
        problems,
        outDir: root,
      },
    );
  }
  return {
    outDir: root,
    masterPath: join(root, MASTER_PLAYLIST),
    renditions,
    files,
    segmentCount: segmentCounts.values().next().value ?? 0,
    durationSeconds,
  };
}

async function readKind(root: string, name: string, master: true, problems: string[]): Promise<types.MasterPlaylist | null>;
async function readKind(root: string, name: string, master: false, problems: string[]): Promise<types.MediaPlaylist | null>;
async function readKind(root: string, name: string, master: boolean, problems: string[]) {
  const path = join(root, name);
  if ((await fileSize(path)) === null) {
    problems.push(`${name} does not exist`);
    return null;
  }
  try {
    const playlist = await readPlaylist(path);
    if (playlist.isMasterPlaylist !== master) {
      problems.push(`${name} is a ${playlist.isMasterPlaylist ? "master" : "media"} playlist`);
      return null;
    }
    return playlist;
  } catch (error) {
    problems.push(`${name} cannot be parsed: ${(error as Error).message}`);
    return null;
  }
}

/** The output-relative path of a segment URI, when it is exactly segments/<rendition>_<index>.ts. */
function segmentPath(uri: string, rendition: string): string | null {
  const pattern = new RegExp(`^${SEGMENTS_DIR}/${rendition}_\\d{3,}\\.ts$`);
  return pattern.test(uri) && posix.normalize(uri) === uri ? uri : null;
}

async function fileSize(path: string): Promise<number | null> {
  try {
    const s = await stat(path);
    return s.isFile() ? s.size : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}

async function listFiles(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, relative)));
    else out.push(relative);
  }
  return out.sort();
}

/** ffprobe must open the master through its HLS demuxer and find every rendition's video at its size. */
async function probeMaster(root: string, plan: RenditionPlan[]): Promise<string | null> {
  const result = await execa(
    "ffprobe",
    [
      "-hide_banner",
      "-v",
      "error",
      "-format_whitelist",
      "hls,mpegts",
      "-protocol_whitelist",
      "file",
      "-print_format",
      "json",
      "-show_entries",
      "stream=codec_type,width,height",
      "-i",
      fileArg(join(root, MASTER_PLAYLIST)),
    ],
    { reject: false, stdin: "ignore", timeout: 60_000 },
  );
  if (result.exitCode !== 0) return `ffprobe cannot open master.m3u8: ${String(result.stderr).trim().split("\n").at(-1) ?? ""}`;
  const streams =
    (JSON.parse(String(result.stdout)) as { streams?: { codec_type?: string; width?: number; height?: number }[] }).streams ?? [];
  const sizes = streams.filter((s) => s.codec_type === "video").map((s) => `${s.width}x${s.height}`);
  const missing = plan.filter((r) => !sizes.includes(`${r.width}x${r.height}`)).map((r) => r.name);
  return missing.length > 0
    ? `ffprobe of master.m3u8 finds no ${missing.join(", ")} video stream (found ${sizes.join(", ") || "none"})`
    : null;
}
