import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse, stringify, types } from "hls-parser";
import { readAvcCodecString } from "./avc-codec.js";
import { MASTER_PLAYLIST } from "@aq/contracts";
import type { RenditionPlan } from "./ladder.js";

/** AAC-LC, what ffmpeg's native encoder writes. */
export const AAC_LC_CODEC = "mp4a.40.2";

export interface SegmentSize {
  uri: string;
  durationSeconds: number;
  bytes: number;
}

export interface MeasuredRendition {
  name: string;
  width: number;
  height: number;
  /** Peak segment bit rate (RFC 8216bis 4.3.4.2), bits/s: what BANDWIDTH must state. */
  bandwidth: number;
  averageBandwidth: number;
  codecs: string;
  frameRate: number;
  segmentCount: number;
  durationSeconds: number;
}

export function playlistName(rendition: Pick<RenditionPlan, "name">): string {
  return `${rendition.name}.m3u8`;
}

/** Parses a playlist with hls-parser; throws when the text is not one. */
export async function readPlaylist(path: string): Promise<types.MasterPlaylist | types.MediaPlaylist> {
  return parse(await readFile(path, "utf8"));
}

/**
 * The highest bit rate of any run of consecutive segments lasting 0.5-1.5 target durations (the
 * HLS definition of peak segment bit rate, so a tiny last segment made of one keyframe does not
 * count alone); the average when no run qualifies.
 */
export function peakSegmentBitrate(segments: SegmentSize[], targetDuration: number): number {
  const totalBytes = segments.reduce((n, s) => n + s.bytes, 0);
  const totalSeconds = segments.reduce((n, s) => n + s.durationSeconds, 0);
  let peak = 0;
  for (let i = 0; i < segments.length; i++) {
    let bytes = 0;
    let seconds = 0;
    for (let j = i; j < segments.length; j++) {
      bytes += segments[j]!.bytes;
      seconds += segments[j]!.durationSeconds;
      if (seconds > 1.5 * targetDuration) break;
      if (seconds >= 0.5 * targetDuration) peak = Math.max(peak, (bytes * 8) / seconds);
    }
  }
  if (peak === 0 && totalSeconds > 0) peak = (totalBytes * 8) / totalSeconds;
  return Math.ceil(peak);
}

/** A rendition's media playlist read with the size of every segment it lists. */
export async function readSegmentSizes(
  outDir: string,
  rendition: Pick<RenditionPlan, "name">,
): Promise<{ targetDuration: number; segments: SegmentSize[] }> {
  const playlist = await readPlaylist(join(outDir, playlistName(rendition)));
  if (playlist.isMasterPlaylist) throw new Error(`${playlistName(rendition)} is a master playlist`);
  const segments: SegmentSize[] = [];
  for (const segment of playlist.segments) {
    const { size } = await stat(join(outDir, segment.uri));
    segments.push({ uri: segment.uri, durationSeconds: segment.duration, bytes: size });
  }
  return { targetDuration: playlist.targetDuration, segments };
}

/** Sizes and durations of a rendition's segments, its bit rates and its measured video codec. */
export async function measureRendition(outDir: string, rendition: RenditionPlan, withAudio: boolean): Promise<MeasuredRendition> {
  const { targetDuration, segments } = await readSegmentSizes(outDir, rendition);
  const first = segments[0];
  if (!first) throw new Error(`${playlistName(rendition)} lists no segments`);
  const video = await readAvcCodecString(join(outDir, first.uri));
  if (!video) throw new Error(`no H.264 sequence parameter set in ${first.uri}`);
  return measuredRendition(rendition, segments, targetDuration, video, withAudio);
}

/** A rendition's bit rates and codecs from its segments' sizes and durations (none may be missing). */
export function measuredRendition(
  rendition: RenditionPlan,
  segments: SegmentSize[],
  targetDuration: number,
  videoCodec: string,
  withAudio: boolean,
): MeasuredRendition {
  const totalBytes = segments.reduce((n, s) => n + s.bytes, 0);
  const totalSeconds = segments.reduce((n, s) => n + s.durationSeconds, 0);
  return {
    name: rendition.name,
    width: rendition.width,
    height: rendition.height,
    bandwidth: peakSegmentBitrate(segments, targetDuration),
    averageBandwidth: Math.ceil((totalBytes * 8) / totalSeconds),
    codecs: withAudio ? `${videoCodec},${AAC_LC_CODEC}` : videoCodec,
    frameRate: rendition.frameRateValue,
    segmentCount: segments.length,
    durationSeconds: totalSeconds,
  };
}

/**
 * Players start with the first variant listed (Apple's HLS authoring specification; hls.js's
 * firstLevel), so a middle rung goes first and playback does not open at 240p: the
 * rung at index floor(n / 2) of the ladder (480p of 240p-720p, 360p of three), then the
 * others smallest first.
 */
export function masterVariantOrder<T>(ladder: readonly T[]): T[] {
  const start = Math.floor(ladder.length / 2);
  return ladder.length === 0 ? [] : [ladder[start]!, ...ladder.filter((_, i) => i !== start)];
}

/**
 * Replaces ffmpeg's master playlist (a nominal BANDWIDTH guess, no AVERAGE-BANDWIDTH, FRAME-RATE or
 * INDEPENDENT-SEGMENTS) with one stating what was measured, in masterVariantOrder.
 */
export async function writeMasterPlaylist(outDir: string, renditions: MeasuredRendition[]): Promise<void> {
  await writeFile(join(outDir, MASTER_PLAYLIST), masterPlaylistText(renditions));
}

/** The master playlist stating what was measured, in masterVariantOrder. */
export function masterPlaylistText(renditions: MeasuredRendition[]): string {
  const master = new types.MasterPlaylist({
    version: 6,
    independentSegments: true,
    variants: masterVariantOrder(renditions).map(
      (r) =>
        new types.Variant({
          uri: playlistName(r),
          bandwidth: r.bandwidth,
          averageBandwidth: r.averageBandwidth,
          codecs: r.codecs,
          resolution: { width: r.width, height: r.height },
          frameRate: Math.round(r.frameRate * 1000) / 1000,
        }),
    ),
  });
  return `${stringify(master)}\n`;
}
