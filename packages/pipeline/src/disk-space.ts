import { mkdir, statfs } from "node:fs/promises";
import type { VideoRow } from "@aq/platform/db";
import { AqError } from "@aq/contracts";

const MARGIN_BYTES = 64 * 1024 * 1024;

/**
 * Bytes an encode needs in WORK_DIR: the source copy, the normalized copy (about the source's
 * size: video is copied) and the ladder at its declared peak rates, with a margin.
 */
export function estimateEncodeBytes(video: Pick<VideoRow, "sourceSizeBytes" | "plannedRenditions" | "probe">): number {
  const source = video.sourceSizeBytes ?? 0;
  const duration = video.probe?.durationSeconds ?? 0;
  const bitsPerSecond = (video.plannedRenditions ?? []).reduce((sum, r) => sum + r.bandwidth, 0);
  return Math.ceil(2 * source + (bitsPerSecond / 8) * duration * 1.25 + MARGIN_BYTES);
}

/**
 * Refuses an encode that cannot fit, instead of failing halfway through it. `reserveBytes` is
 * space the operator keeps free for everything else on the volume.
 */
export async function assertRoomToEncode(
  workDir: string,
  video: Parameters<typeof estimateEncodeBytes>[0],
  reserveBytes: number,
): Promise<void> {
  await mkdir(workDir, { recursive: true });
  const fs = await statfs(workDir);
  const available = Math.max(0, fs.bavail * fs.bsize - reserveBytes);
  const needed = estimateEncodeBytes(video);
  if (needed > available) {
    const mb = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;
    throw new AqError(
      "INSUFFICIENT_DISK",
      `not enough space in WORK_DIR to encode: about ${mb(needed)} needed, ${mb(available)} free; free space or retry later`,
      { needed, available },
    );
  }
}
