import { describe, expect, it } from "vitest";
import { parseFrameStats, type FrameStats } from "../../src/images/frame-stats.js";
import { pickPosterFrame } from "../../src/images/poster-pick.js";

const frame = (timeSeconds: number, yavg: number, ylow: number, yhigh: number): FrameStats => ({ timeSeconds, yavg, ylow, yhigh });

describe("pickPosterFrame", () => {
  it("skips black and blank frames for the least dark one that shows something", () => {
    const black = frame(0, 16, 16, 16);
    const white = frame(2, 235, 233, 235);
    const dim = frame(4, 60, 20, 110);
    const bright = frame(6, 120, 40, 200);
    expect(pickPosterFrame([black, white, dim, bright], 4)).toBe(bright);
  });

  it("prefers the frame nearest the target when two are as bright", () => {
    expect(pickPosterFrame([frame(2, 100, 30, 180), frame(6, 100, 30, 180), frame(10, 100, 30, 180)], 7)).toEqual(frame(6, 100, 30, 180));
  });

  it("takes the frame with the most contrast when every candidate is blank", () => {
    const picked = pickPosterFrame([frame(0, 16, 16, 16), frame(2, 20, 16, 30), frame(4, 235, 235, 235)], 2);
    expect(picked?.timeSeconds).toBe(2);
  });

  it("returns null without candidates", () => {
    expect(pickPosterFrame([], 3)).toBeNull();
  });
});

describe("parseFrameStats", () => {
  it("reads ffmpeg's metadata print of signalstats, frame by frame", () => {
    const text = [
      "frame:0    pts:0       pts_time:0",
      "lavfi.signalstats.YMIN=16",
      "lavfi.signalstats.YLOW=16",
      "lavfi.signalstats.YAVG=16.5",
      "lavfi.signalstats.YHIGH=17",
      "frame:1    pts:180000  pts_time:2",
      "lavfi.signalstats.YLOW=30",
      "lavfi.signalstats.YAVG=101.25",
      "lavfi.signalstats.YHIGH=190",
      "",
    ].join("\n");
    expect(parseFrameStats(text)).toEqual([frame(0, 16.5, 16, 17), frame(2, 101.25, 30, 190)]);
  });

  it("drops a frame whose statistics are incomplete (a cut-off file)", () => {
    expect(parseFrameStats("frame:0 pts:0 pts_time:0\nlavfi.signalstats.YAVG=40\n")).toEqual([]);
  });
});
