/** One encode of one rendition: its bit rate and a quality score (VMAF, SSIM, PSNR...). */
export interface RatePointQuality {
  kbps: number;
  quality: number;
}

/**
 * Bjøntegaard delta rate: how much more (positive) or less (negative) bit rate `test` needs than
 * `anchor` for the same quality, averaged over the quality range both curves cover, as a fraction
 * (-0.2: 20 % fewer bits). Log-rate is interpolated piecewise linearly in quality between the
 * measured points rather than through a fitted cubic: with four points a cubic passes through
 * all of them and can swing outside them, a straight line cannot. Null when the curves share no
 * quality range (one is entirely better than the other over the points measured).
 */
export function bdRate(anchor: RatePointQuality[], test: RatePointQuality[]): number | null {
  const a = curve(anchor);
  const t = curve(test);
  if (a.length < 2 || t.length < 2) return null;
  const low = Math.max(a[0]!.quality, t[0]!.quality);
  const high = Math.min(a[a.length - 1]!.quality, t[t.length - 1]!.quality);
  if (!(high > low)) return null;
  const meanLogDiff = (integral(t, low, high) - integral(a, low, high)) / (high - low);
  return Math.exp(meanLogDiff) - 1;
}

interface Knot {
  quality: number;
  logRate: number;
}

/**
 * Points sorted by quality with log-rate increasing: a point that costs more bits than a better
 * one (rate control noise at the flat top of a curve) is dropped, so the curve is a function.
 */
function curve(points: RatePointQuality[]): Knot[] {
  const sorted = points
    .filter((p) => p.kbps > 0 && Number.isFinite(p.quality))
    .map((p) => ({ quality: p.quality, logRate: Math.log(p.kbps) }))
    .sort((x, y) => x.quality - y.quality || x.logRate - y.logRate);
  const out: Knot[] = [];
  for (const knot of sorted) {
    while (out.length && out[out.length - 1]!.logRate >= knot.logRate) out.pop();
    if (!out.length || knot.quality > out[out.length - 1]!.quality) out.push(knot);
  }
  return out;
}

/** Integral of the interpolated log-rate over [low, high], inside the curve's quality range. */
function integral(knots: Knot[], low: number, high: number): number {
  let sum = 0;
  for (let i = 0; i + 1 < knots.length; i++) {
    const p = knots[i]!;
    const q = knots[i + 1]!;
    const from = Math.max(low, p.quality);
    const to = Math.min(high, q.quality);
    if (!(to > from)) continue;
    const at = (x: number) => p.logRate + ((q.logRate - p.logRate) * (x - p.quality)) / (q.quality - p.quality);
    sum += ((at(from) + at(to)) / 2) * (to - from);
  }
  return sum;
}
