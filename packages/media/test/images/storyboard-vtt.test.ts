import { describe, expect, it } from "vitest";
import { planImages } from "../../src/images/plan.js";
import { sheetCount, storyboardVtt, vttTimestamp } from "../../src/images/storyboard-vtt.js";

describe("storyboardVtt", () => {
  it("writes one cue per tile with the sheet and its #xywh= rectangle", () => {
    const layout = { tile: { width: 160, height: 90 }, columns: 2, rows: 2 };
    const vtt = storyboardVtt([0, 2, 4, 6, 8], 9.5, layout);
    expect(vtt).toBe(
      [
        "WEBVTT",
        "",
        "00:00:00.000 --> 00:00:02.000\nstoryboard_0.jpg#xywh=0,0,160,90",
        "",
        "00:00:02.000 --> 00:00:04.000\nstoryboard_0.jpg#xywh=160,0,160,90",
        "",
        "00:00:04.000 --> 00:00:06.000\nstoryboard_0.jpg#xywh=0,90,160,90",
        "",
        "00:00:06.000 --> 00:00:08.000\nstoryboard_0.jpg#xywh=160,90,160,90",
        "",
        "00:00:08.000 --> 00:00:09.500\nstoryboard_1.jpg#xywh=0,0,160,90",
        "",
      ].join("\n"),
    );
    expect(sheetCount(5, layout)).toBe(2);
  });

  it("formats hours, minutes and milliseconds", () => {
    expect(vttTimestamp(3723.4567)).toBe("01:02:03.457");
  });
});

describe("planImages", () => {
  it("decodes every keyframe of a short video and keeps the source's shape", () => {
    const plan = planImages({ width: 1280, height: 720 }, 7);
    expect(plan.intervalSeconds).toBe(2);
    expect(plan.thumbnail).toEqual({ width: 640, height: 360 });
    expect(plan.tile).toEqual({ width: 160, height: 90 });
    expect([plan.columns, plan.rows]).toEqual([4, 1]);
    expect(plan.poster).toMatchObject({ width: 1280, height: 720, fromSeconds: 0 });
  });

  it("spaces frames so a long video gets at most 200, and fits portrait frames", () => {
    const plan = planImages({ width: 720, height: 1280 }, 3600);
    expect(plan.intervalSeconds).toBe(18);
    expect(Math.floor(3600 / plan.intervalSeconds) + 1).toBeLessThanOrEqual(201);
    expect(plan.tile).toEqual({ width: 90, height: 160 });
    expect([plan.columns, plan.rows]).toEqual([10, 10]);
    expect(plan.poster.targetSeconds).toBe(360);
    expect(plan.poster.toSeconds - plan.poster.fromSeconds).toBe(360);
  });
});
