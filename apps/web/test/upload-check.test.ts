import { describe, expect, it } from "vitest";
import { ruleProblems } from "../src/lib/upload-check";

const rules = {
  minDurationSeconds: 5,
  maxDurationSeconds: 6 * 3600,
  minShortSide: 720,
  maxLongSide: 8192,
  maxUploadBytes: 5 * 1024 ** 3,
  containers: ["MP4"],
};

describe("ruleProblems", () => {
  it("accepts a file within every rule", () => {
    expect(ruleProblems({ sizeBytes: 1e6, durationSeconds: 12, width: 1280, height: 720 }, rules)).toEqual([]);
  });

  it("says each rule a file breaks, with its figures", () => {
    expect(ruleProblems({ sizeBytes: 6 * 1024 ** 3, durationSeconds: 5, width: 854, height: 480 }, rules)).toEqual([
      "This file is 6.00 GB; the largest upload is 5.00 GB.",
      "This video is 5 s long; it must be longer than 5 s.",
      "This video is 854×480; its short side must be at least 720 px.",
    ]);
    expect(ruleProblems({ sizeBytes: 1, durationSeconds: 7 * 3600, width: 720, height: 9000 }, rules)).toEqual([
      "This video is 7 h long; the longest accepted is 6 h.",
      "This video is 720×9000; its long side may be at most 8192 px.",
    ]);
  });

  it("measures the short side of a portrait video, and leaves what the browser could not read to the server", () => {
    expect(ruleProblems({ sizeBytes: 1, durationSeconds: 30, width: 720, height: 1280 }, rules)).toEqual([]);
    expect(ruleProblems({ sizeBytes: 1, durationSeconds: null, width: null, height: null }, rules)).toEqual([]);
  });
});
