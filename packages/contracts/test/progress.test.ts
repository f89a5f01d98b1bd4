import { describe, expect, it } from "vitest";
import { overallProgress, PROGRESS_STEPS } from "../src/progress.js";
import { PIPELINE_PATH, type VideoStatus } from "../src/status.js";

const fraction = (status: VideoStatus, percent: number | null) => overallProgress(status, percent).fraction;

describe("overallProgress", () => {
  it("has shares adding up to the whole way", () => {
    expect(PROGRESS_STEPS.reduce((sum, step) => sum + step.share, 0)).toBeCloseTo(1, 9);
  });

  it("never goes back along the forward path, whatever the stage percent did", () => {
    // Each status at the start and the end of its own stage percent, in pipeline order.
    const walk = PIPELINE_PATH.flatMap((status) => [fraction(status, 0), fraction(status, 97), fraction(status, 100)]);
    for (let i = 1; i < walk.length; i++) expect(walk[i]).toBeGreaterThanOrEqual(walk[i - 1]!);
    expect(walk[0]).toBe(0);
    expect(walk.at(-1)).toBe(1);
  });

  it("goes from the encode at 97 % to the store without a drop", () => {
    expect(fraction("encoding", 97)).toBeCloseTo(0.15 + 0.05 + 0.7 * 0.97, 4);
    expect(fraction("encoded", 0)).toBeCloseTo(0.9, 4);
    expect(fraction("uploading", 0)).toBeCloseTo(0.9, 4);
    expect(fraction("uploading", 50)).toBeCloseTo(0.95, 4);
  });

  it("ignores a stale percent in a status that waits for a worker", () => {
    expect(fraction("probed", 100)).toBe(fraction("probed", 0));
    expect(fraction("encoded", 100)).toBeCloseTo(0.9, 4);
  });

  it("names the current step and marks the one a video failed in", () => {
    const encoding = overallProgress("encoding", 40);
    expect(encoding.step?.label).toBe("Encode");
    expect(encoding.steps.map((s) => s.state)).toEqual(["done", "done", "current", "pending"]);
    const failed = overallProgress("failed_encoding", 80);
    expect(failed.steps.map((s) => s.state)).toEqual(["done", "done", "failed", "pending"]);
    expect(failed.fraction).toBeCloseTo(0.2, 4);
    expect(overallProgress("rejected", null).steps.map((s) => s.state)).toEqual(["done", "failed", "pending", "pending"]);
    const ready = overallProgress("ready", null);
    expect(ready).toMatchObject({ fraction: 1, step: null });
    expect(ready.steps.every((s) => s.state === "done")).toBe(true);
  });

  it("clamps percents outside 0-100", () => {
    expect(fraction("awaiting_upload", 250)).toBeCloseTo(0.15, 4);
    expect(fraction("awaiting_upload", -5)).toBe(0);
  });
});
