import type { RateControl } from "@aq/config";
import { BUFSIZE_SECONDS, type RenditionPlan } from "./ladder.js";

/**
 * What x264's VBV buffer holds when a capped-CRF encode starts, as a share of the buffer. x264's
 * own default (0.9) lets the first segment spend almost the whole buffer on top of the cap: on a
 * 6 s segment that is 30 % above the rung's bit rate. A quarter starved the first second of
 * complex footage instead: on the corpus's nature clip (7.5 s, 240p) the first frames scored VMAF
 * 69-78 against the guide's 80, a 5th-percentile frame 9 points below the guide's (the issue's
 * limit is 2). Half (a second of the cap): 469 kbit/s against the guide's 464 at 240p, mean VMAF
 * 88.6 against 88.1, 5th percentile 81.0 against 80.2; 480p alike (1482 against 1463 kbit/s, p5
 * 88.1 against 87.4). The first segment can run about 13 % above the cap; the master playlist
 * states the measured peak. A chunk after the first (segment-chunked encoding) starts with the same
 * share, since the single run reaches a join with its buffer part spent: measured by `npm run
 * bench`'s cost-of-chunking section (14 s grain source, chunks of 6 s, 2 rungs), a quarter gave
 * 0.94x the single run's bytes but -0.3 dB PSNR-Y and a GOP 1.7 dB worse next to a join, 0.9 gave
 * 1.10x the bytes, half 0.995x the bytes within 0.07 dB.
 */
export const CRF_INITIAL_BUFFER_SHARE = 0.5;

/** How x264 rates one rendition. */
export type RungRateControl =
  | { mode: "bitrate"; bitrateKbps: number; maxrateKbps: number; bufsizeKbps: number }
  | { mode: "capped-crf"; crf: number; maxrateKbps: number; bufsizeKbps: number; initialBufferKbits: number };

/**
 * "bitrate": the rung's bit rate as x264's target, with the plan's maxrate and buffer.
 * "capped-crf" (per-title rate control): a simple source gets fewer bits than the rung's bit rate,
 * a complex one the rung's bit rate at most. The VBV buffer holds BUFSIZE_SECONDS of the cap, so a
 * 6 s segment can rise above the cap only by what the buffer had saved; the master playlist
 * states the measured peak either way.
 */
export function rungRateControl(
  rung: Pick<RenditionPlan, "videoBitrateKbps" | "maxrateKbps" | "bufsizeKbps">,
  rc: RateControl,
): RungRateControl {
  if (!(rung.videoBitrateKbps > 0)) throw new Error(`a rung needs a positive bit rate, not ${rung.videoBitrateKbps}`);
  if (rc.mode === "bitrate") {
    return { mode: "bitrate", bitrateKbps: rung.videoBitrateKbps, maxrateKbps: rung.maxrateKbps, bufsizeKbps: rung.bufsizeKbps };
  }
  if (!(rc.crf >= 0 && rc.crf <= 51)) throw new Error(`x264's CRF goes from 0 to 51, not ${rc.crf}`);
  const bufsizeKbps = rung.videoBitrateKbps * BUFSIZE_SECONDS;
  return {
    mode: "capped-crf",
    crf: rc.crf,
    maxrateKbps: rung.videoBitrateKbps,
    bufsizeKbps,
    initialBufferKbits: Math.round(bufsizeKbps * CRF_INITIAL_BUFFER_SHARE),
  };
}

/** The ffmpeg options of output video stream `index` for this rate control. */
export function rateControlArgs(index: number, rc: RungRateControl): string[] {
  const vbv = [`-maxrate:v:${index}`, `${rc.maxrateKbps}k`, `-bufsize:v:${index}`, `${rc.bufsizeKbps}k`];
  if (rc.mode === "bitrate") return [`-b:v:${index}`, `${rc.bitrateKbps}k`, ...vbv];
  // libx264 takes rc_init_occupancy as x264's vbv-init (in bits, as a share of bufsize).
  return [`-crf:v:${index}`, String(rc.crf), ...vbv, `-rc_init_occupancy:v:${index}`, `${rc.initialBufferKbits}k`];
}
