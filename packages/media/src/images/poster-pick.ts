import type { FrameStats } from "./frame-stats.js";

/** Luma percentiles closer than this: a flat frame (black, white, one colour, a fade). */
export const MIN_CONTRAST = 24;
/** Average luma below this is a black or nearly black frame (video range starts at 16). */
export const MIN_BRIGHTNESS = 32;

function isBlank(frame: FrameStats): boolean {
  return frame.yhigh - frame.ylow < MIN_CONTRAST || frame.yavg < MIN_BRIGHTNESS;
}

/**
 * The poster among candidate frames: the least dark frame that is not blank, the one nearest
 * the target time when two are as bright; when every candidate is blank, the one with the
 * most contrast. Null for no candidates.
 */
export function pickPosterFrame(candidates: readonly FrameStats[], targetSeconds: number): FrameStats | null {
  const distance = (f: FrameStats) => Math.abs(f.timeSeconds - targetSeconds);
  const shown = candidates.filter((f) => !isBlank(f));
  if (shown.length > 0) {
    return shown.reduce((best, f) => (f.yavg > best.yavg || (f.yavg === best.yavg && distance(f) < distance(best)) ? f : best));
  }
  return candidates.reduce<FrameStats | null>((best, f) => {
    if (!best) return f;
    const contrast = f.yhigh - f.ylow;
    const bestContrast = best.yhigh - best.ylow;
    return contrast > bestContrast || (contrast === bestContrast && f.yavg > best.yavg) ? f : best;
  }, null);
}
