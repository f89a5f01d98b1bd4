import { BUFSIZE_SECONDS, type RenditionPlan } from "./ladder.js";

/**
 * Constant quality (CRF) for every rendition: x264 spends the bits a source needs for this quality,
 * up to the rung's bit rate. Chosen from `npm run bench` on the real sample media (BENCHMARKS.md
 * section 3): the highest CRF whose every rung keeps its 5th-percentile VMAF frame within 2 points
 * of the guide's fixed bit rate. Not yet what encodeHls runs (docs/encoding.md says why): the bench
 * measures it against the guide.
 */
export const DEFAULT_CRF = 19;

/** How x264 rates one rendition. */
export interface RungRateControl {
  crf: number;
  /** The rung's bit rate: never more than the guide's ladder gives it. */
  maxrateKbps: number;
  bufsizeKbps: number;
}

/**
 * Capped CRF (per-title rate control): a simple source gets fewer bits than the rung's bit rate,
 * a complex one the rung's bit rate at most. The VBV buffer holds BUFSIZE_SECONDS of the cap, so a
 * 6 s segment can rise above the cap only by what the buffer had saved; the master playlist
 * states the measured peak either way.
 */
export function rungRateControl(rung: Pick<RenditionPlan, "videoBitrateKbps">, crf: number = DEFAULT_CRF): RungRateControl {
  if (!(rung.videoBitrateKbps > 0)) throw new Error(`a rung needs a positive bit rate, not ${rung.videoBitrateKbps}`);
  if (!(crf >= 0 && crf <= 51)) throw new Error(`x264's CRF goes from 0 to 51, not ${crf}`);
  return { crf, maxrateKbps: rung.videoBitrateKbps, bufsizeKbps: rung.videoBitrateKbps * BUFSIZE_SECONDS };
}

/** The ffmpeg options of output video stream `index` for this rate control. */
export function rateControlArgs(index: number, rc: RungRateControl): string[] {
  return [`-crf:v:${index}`, String(rc.crf), `-maxrate:v:${index}`, `${rc.maxrateKbps}k`, `-bufsize:v:${index}`, `${rc.bufsizeKbps}k`];
}
