import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { parse, type types } from "hls-parser";
import { expect } from "vitest";
import type { RenditionPlan } from "../src/ladder.js";

export async function listTree(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, prefix), { withFileTypes: true })) {
    const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
    out.push(...(entry.isDirectory() ? await listTree(root, relative) : [relative]));
  }
  return out.sort();
}

export async function mediaPlaylist(outDir: string, name: string): Promise<types.MediaPlaylist> {
  const playlist = parse(await readFile(join(outDir, `${name}.m3u8`), "utf8"));
  if (playlist.isMasterPlaylist) throw new Error(`${name}.m3u8 is a master playlist`);
  return playlist;
}

/** The guide's (docs/encoding-guide.md) section 2 layout with section 5 names, and nothing else. */
export async function expectExactLayout(outDir: string, plan: RenditionPlan[], options: { qc?: boolean } = {}): Promise<number> {
  const first = await mediaPlaylist(outDir, plan[0]!.name);
  const count = first.segments.length;
  // The guide's files, plus the QC report encodeVideo writes beside them (the media functions below it write none).
  const expected = ["master.m3u8", ...(options.qc === false ? [] : ["qc.json"])];
  for (const r of plan) {
    expected.push(`${r.name}.m3u8`);
    for (let i = 0; i < count; i++) expected.push(`segments/${r.name}_${String(i).padStart(3, "0")}.ts`);
  }
  expect(await listTree(outDir)).toEqual(expected.sort());
  return count;
}

interface Packet {
  pts: number;
  key: boolean;
}

async function videoPackets(file: string): Promise<Packet[]> {
  const { stdout } = await execa("ffprobe", [
    "-v",
    "error",
    "-select_streams",
    "v:0",
    "-show_entries",
    "packet=pts_time,flags",
    "-of",
    "csv=p=0",
    file,
  ]);
  return stdout
    .trim()
    .split("\n")
    .map((line) => {
      const [pts, flags] = line.split(",");
      return { pts: Number(pts), key: (flags ?? "").includes("K") };
    });
}

/**
 * Every segment of every rendition starts with a keyframe, segment start times and all keyframe
 * times are the same in every rendition, keyframes sit 2 s apart, and segments last 6 s except
 * the last.
 */
export async function expectAlignedSegments(outDir: string, plan: RenditionPlan[]): Promise<void> {
  const starts: number[][] = [];
  const keyframes: number[][] = [];
  for (const r of plan) {
    const playlist = await mediaPlaylist(outDir, r.name);
    const durations = playlist.segments.map((s) => s.duration);
    for (const d of durations.slice(0, -1)) expect(Math.abs(d - 6)).toBeLessThan(0.011);
    expect(durations.at(-1)!).toBeLessThanOrEqual(6.011);
    const renditionStarts: number[] = [];
    const renditionKeys: number[] = [];
    for (const segment of playlist.segments) {
      const packets = await videoPackets(join(outDir, segment.uri));
      expect(packets[0]?.key, `${segment.uri} starts with a keyframe`).toBe(true);
      renditionStarts.push(round3(packets[0]!.pts));
      renditionKeys.push(...packets.filter((p) => p.key).map((p) => round3(p.pts)));
    }
    starts.push(renditionStarts);
    keyframes.push(renditionKeys);
  }
  for (let i = 1; i < plan.length; i++) {
    expect(starts[i], `${plan[i]!.name} segment starts`).toEqual(starts[0]);
    expect(keyframes[i], `${plan[i]!.name} keyframes`).toEqual(keyframes[0]);
  }
  const keys = keyframes[0]!;
  const frame = 1 / plan[0]!.frameRateValue;
  for (let i = 1; i < keys.length; i++) expect(Math.abs(keys[i]! - keys[i - 1]! - 2)).toBeLessThanOrEqual(frame + 0.001);
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

export interface ProbedStream {
  codec_type: string;
  codec_name?: string;
  width?: number;
  height?: number;
  channels?: number;
  sample_rate?: string;
  pix_fmt?: string;
  profile?: string;
  color_transfer?: string;
  color_primaries?: string;
}

export async function streamsOf(file: string): Promise<ProbedStream[]> {
  const { stdout } = await execa("ffprobe", ["-v", "error", "-show_streams", "-of", "json", file]);
  return (JSON.parse(stdout) as { streams: [] }).streams;
}
