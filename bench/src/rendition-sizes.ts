import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parse, types } from "hls-parser";
import { peakSegmentBitrate, playlistName, type RenditionPlan } from "@aq/media";

interface RungSizes {
  bytes: number;
  averageKbps: number;
  peakKbps: number;
  masterBandwidthKbps: number;
}

async function readPlaylist(path: string): Promise<types.MasterPlaylist | types.MediaPlaylist> {
  return parse(await readFile(path, "utf8"));
}

/** Bytes, average and peak segment bit rate (RFC 8216bis), and the master playlist's BANDWIDTH, of each rendition. */
export async function measureSizes(outDir: string, plan: RenditionPlan[]): Promise<Map<string, RungSizes>> {
  const master = await readPlaylist(join(outDir, "master.m3u8"));
  if (!master.isMasterPlaylist) throw new Error(`${outDir}/master.m3u8 is not a master playlist`);
  const sizes = new Map<string, RungSizes>();
  for (const rung of plan) {
    const media = await readPlaylist(join(outDir, playlistName(rung)));
    if (media.isMasterPlaylist) throw new Error(`${playlistName(rung)} is a master playlist`);
    const segments = await Promise.all(
      media.segments.map(async (s) => ({ uri: s.uri, durationSeconds: s.duration, bytes: (await stat(join(outDir, s.uri))).size })),
    );
    const bytes = segments.reduce((n, s) => n + s.bytes, 0);
    const seconds = segments.reduce((n, s) => n + s.durationSeconds, 0);
    const variant = master.variants.find((v) => v.uri === playlistName(rung));
    sizes.set(rung.name, {
      bytes,
      averageKbps: (bytes * 8) / seconds / 1000,
      peakKbps: peakSegmentBitrate(segments, media.targetDuration) / 1000,
      masterBandwidthKbps: (variant?.bandwidth ?? 0) / 1000,
    });
  }
  return sizes;
}
