import type { Rational } from "@aq/contracts";

/** The types live in @aq/contracts, so the database stores them typed without depending on ffmpeg code. */
export type { AudioStreamInfo, HdrTransfer, MediaInfo, Rational, VideoStreamInfo } from "@aq/contracts";

export function rationalValue(r: Rational): number {
  return r.den === 0 ? 0 : r.num / r.den;
}

export function formatRational(r: Rational): string {
  return `${r.num}/${r.den}`;
}
