import type { Rational, VideoStreamInfo } from "./media-info.js";
import { rationalValue } from "./media-info.js";

const STANDARD_RATES: Rational[] = [
  { num: 24000, den: 1001 },
  { num: 24, den: 1 },
  { num: 25, den: 1 },
  { num: 30000, den: 1001 },
  { num: 30, den: 1 },
  { num: 48, den: 1 },
  { num: 50, den: 1 },
  { num: 60000, den: 1001 },
  { num: 60, den: 1 },
  { num: 120000, den: 1001 },
  { num: 120, den: 1 },
];

/**
 * The constant frame rate of the output. Phone videos are often variable-rate: their average rate
 * (e.g. 29.6) is snapped to the nominal one (30) so an `fps` filter duplicates or drops as few
 * frames as possible; rates above `maxFps` are divided by the smallest integer that brings them
 * under it (120 -> 60, 100 -> 50) so frames are dropped evenly.
 */
export function chooseFrameRate(video: Pick<VideoStreamInfo, "rFrameRateRational" | "avgFrameRateRational">, maxFps: number): Rational {
  const avg = rationalValue(video.avgFrameRateRational);
  const nominal = rationalValue(video.rFrameRateRational);
  let rate: Rational;
  const nominalStandard = nearestStandard(nominal, 0.001);
  if (nominalStandard && (avg <= 0 || Math.abs(avg - nominal) / nominal < 0.1)) {
    rate = nominalStandard;
  } else {
    const measured = avg > 0 && avg <= 1000 ? avg : nominal > 0 && nominal <= 1000 ? nominal : 30;
    rate = nearestStandard(measured, 0.01) ?? { num: Math.max(1, Math.round(measured)), den: 1 };
  }
  const value = rationalValue(rate);
  if (value > maxFps + 0.01) {
    const divisor = Math.ceil(value / (maxFps + 0.01));
    rate = reduce({ num: rate.num, den: rate.den * divisor });
  }
  return rate;
}

function nearestStandard(value: number, tolerance: number): Rational | null {
  if (!(value > 0)) return null;
  let best: Rational | null = null;
  let bestError = Infinity;
  for (const rate of STANDARD_RATES) {
    const error = Math.abs(value - rationalValue(rate)) / rationalValue(rate);
    if (error < bestError) {
      best = rate;
      bestError = error;
    }
  }
  return bestError <= tolerance ? best : null;
}

function reduce(r: Rational): Rational {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const d = gcd(r.num, r.den);
  return { num: r.num / d, den: r.den / d };
}
