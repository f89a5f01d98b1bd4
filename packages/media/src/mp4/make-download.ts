import { mkdir, open, rm, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { AqError, DOWNLOAD_DIR, downloadFile, type VideoAssets } from "@aq/contracts";
import { runFfmpeg } from "../ffmpeg-process.js";
import { playlistName } from "../hls-playlists.js";
import { fileArg } from "../input-safety.js";
import type { RenditionPlan } from "../ladder.js";
import { FFMPEG_RUN_ARGS } from "../progress.js";

export interface MakeDownloadOptions {
  /** A verified HLS output; download/<name>.mp4 is written into it. */
  outDir: string;
  plan: Pick<RenditionPlan, "name" | "height" | "width">[];
  /** The rung to offer ("720p"); the largest below it when the video has no such rung. */
  renditionName: string;
  /** The file name without ".mp4" (contracts' downloadName). */
  name: string;
  logFile: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The rung named, else the largest one smaller than it, else the smallest rung. */
export function downloadRendition<T extends Pick<RenditionPlan, "name" | "width" | "height">>(plan: T[], name: string): T {
  const exact = plan.find((r) => r.name === name);
  if (exact) return exact;
  const short = (r: Pick<RenditionPlan, "width" | "height">) => Math.min(r.width, r.height);
  const limit = Number.parseInt(name, 10);
  const below = plan.filter((r) => short(r) <= limit).sort((a, b) => short(b) - short(a));
  const chosen = below[0] ?? [...plan].sort((a, b) => short(a) - short(b))[0];
  if (!chosen) throw new AqError("VERIFY_FAILED", "no rendition to make a download from");
  return chosen;
}

/** Whether the moov atom comes before mdat (faststart: a browser can play while downloading). */
export async function isFastStart(path: string): Promise<boolean> {
  const file = await open(path);
  try {
    const { size } = await file.stat();
    const header = Buffer.alloc(16);
    for (let offset = 0; offset + 8 <= size;) {
      await file.read(header, 0, 16, offset);
      let boxSize = header.readUInt32BE(0);
      const type = header.toString("latin1", 4, 8);
      if (type === "moov") return true;
      if (type === "mdat") return false;
      if (boxSize === 1) boxSize = Number(header.readBigUInt64BE(8));
      if (boxSize < 8) return false;
      offset += boxSize;
    }
    return false;
  } finally {
    await file.close();
  }
}

/**
 * A progressive MP4 of one rendition, remuxed from its segments (no second encode: the same
 * H.264 and AAC the HLS player gets), with the index up front (faststart).
 */
export async function makeDownload(options: MakeDownloadOptions): Promise<NonNullable<VideoAssets["download"]>> {
  const outDir = resolve(options.outDir);
  const rendition = downloadRendition(options.plan, options.renditionName);
  const path = downloadFile(options.name);
  const target = join(outDir, path);
  await rm(join(outDir, DOWNLOAD_DIR), { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true });
  await runFfmpeg({
    args: [
      ...FFMPEG_RUN_ARGS,
      "-format_whitelist",
      "hls,mpegts",
      "-protocol_whitelist",
      "file",
      "-i",
      fileArg(join(outDir, playlistName(rendition))),
      "-map",
      "0:v:0",
      "-map",
      "0:a:0?",
      "-c",
      "copy",
      "-movflags",
      "+faststart",
      "-f",
      "mp4",
      fileArg(target),
    ],
    cwd: outDir,
    logFile: resolve(options.logFile),
    label: "download",
    failureCode: "ENCODE_FAILED",
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });
  const { size } = await stat(target);
  if (size === 0 || !(await isFastStart(target))) throw new AqError("VERIFY_FAILED", `${path} is empty or its index is not at the start`);
  return { path, rendition: rendition.name, bytes: size };
}
