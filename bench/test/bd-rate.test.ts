import { describe, expect, it } from "vitest";
import { bdRate } from "../src/bd-rate.js";

/** A curve where quality rises by `perDoubling` for every doubling of the rate. */
function curve(rates: number[], quality: (kbps: number) => number) {
  return rates.map((kbps) => ({ kbps, quality: quality(kbps) }));
}

describe("bdRate", () => {
  const anchor = curve([250, 500, 1000, 2000], (k) => 10 * Math.log2(k));

  it("is 0 for the same curve", () => {
    expect(bdRate(anchor, anchor)).toBeCloseTo(0, 10);
  });

  it("is -0.2 for a curve reaching every quality with 80 % of the bits", () => {
    const test = curve([200, 400, 800, 1600], (k) => 10 * Math.log2(k / 0.8));
    expect(bdRate(anchor, test)).toBeCloseTo(-0.2, 6);
  });

  it("is +0.25 the other way round", () => {
    const test = curve([200, 400, 800, 1600], (k) => 10 * Math.log2(k / 0.8));
    expect(bdRate(test, anchor)).toBeCloseTo(0.25, 6);
  });

  it("averages only over the quality range both curves cover", () => {
    // Same efficiency, points at other rates: still 0.
    const test = curve([700, 1400, 2800, 5600], (k) => 10 * Math.log2(k));
    expect(bdRate(anchor, test)).toBeCloseTo(0, 10);
  });

  it("is null when the curves share no quality range", () => {
    const test = curve([4000, 8000], (k) => 10 * Math.log2(k));
    expect(bdRate(anchor, test)).toBeNull();
    expect(bdRate(anchor, [{ kbps: 500, quality: 90 }])).toBeNull();
  });

  it("drops a point that costs more bits than a better one instead of folding the curve", () => {
    const noisy = [...anchor, { kbps: 2100, quality: 10 * Math.log2(1500) }];
    expect(bdRate(anchor, noisy)).toBeCloseTo(0, 10);
  });
});
