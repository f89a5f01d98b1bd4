import { parse } from "hls-parser";

/** The first variant a master playlist lists (its playlist's segments are every rendition's). */
export function firstVariantUri(masterText: string): string | null {
  const master = parse(masterText);
  return master.isMasterPlaylist ? (master.variants[0]?.uri ?? null) : null;
}

/** A media playlist's segments in order: their URIs and durations. */
export function segmentList(mediaText: string): { uri: string; durationSeconds: number }[] {
  const media = parse(mediaText);
  return media.isMasterPlaylist ? [] : media.segments.map((s) => ({ uri: s.uri, durationSeconds: s.duration }));
}
