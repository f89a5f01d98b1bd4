import { execa } from "execa";
import { join } from "node:path";
import type { SegmentSize } from "../hls-playlists.js";
import { fileArg } from "../input-safety.js";

/** How many segment starts per rendition QC checks: the first, the last and evenly spread ones between. */
export const KEYFRAME_SAMPLES = 12;

/** Indexes of up to `count` segments out of `total`, evenly spread, always the first and the last. */
export function sampleIndexes(total: number, count: number): number[] {
  if (total <= count) return Array.from({ length: total }, (_, i) => i);
  return [...new Set(Array.from({ length: count }, (_, i) => Math.round((i * (total - 1)) / (count - 1))))];
}

interface SegmentStart {
  ptsSeconds: number;
  keyframe: boolean;
}

/** The first video packet of one MPEG-TS segment: its time and whether it is a keyframe. */
async function firstVideoPacket(path: string): Promise<SegmentStart | null> {
  const result = await execa(
    "ffprobe",
    [
      "-v",
      "error",
      "-format_whitelist",
      "mpegts",
      "-protocol_whitelist",
      "file",
      "-select_streams",
      "v:0",
      "-show_entries",
      "packet=pts_time,flags",
      "-read_intervals",
      "%+#1",
      "-of",
      "json",
      fileArg(path),
    ],
    { reject: false, stdin: "ignore", timeout: 30_000 },
  );
  if (result.exitCode !== 0) return null;
  const packet = (JSON.parse(String(result.stdout)) as { packets?: { pts_time?: string; flags?: string }[] }).packets?.[0];
  if (!packet?.pts_time) return null;
  return { ptsSeconds: Number(packet.pts_time), keyframe: (packet.flags ?? "").startsWith("K") };
}

/**
 * Whether the sampled segments of every rendition start with a keyframe at the same time as the
 * same segment of the others: what lets a player switch renditions at any segment boundary.
 */
export async function keyframesAligned(outDir: string, renditions: { name: string; segments: SegmentSize[] }[]): Promise<boolean> {
  const counts = new Set(renditions.map((r) => r.segments.length));
  if (counts.size !== 1) return false;
  for (const index of sampleIndexes(renditions[0]?.segments.length ?? 0, KEYFRAME_SAMPLES)) {
    const starts = await Promise.all(renditions.map((r) => firstVideoPacket(join(outDir, r.segments[index]!.uri))));
    if (starts.some((s) => !s?.keyframe)) return false;
    const times = starts.map((s) => s!.ptsSeconds);
    // One millisecond: MPEG-TS timestamps tick at 90 kHz, so equal frames print equal times.
    if (Math.max(...times) - Math.min(...times) > 0.001) return false;
  }
  return true;
}
