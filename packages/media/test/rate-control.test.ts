import { describe, expect, it } from "vitest";
import { BASE_RUNGS, BUFSIZE_SECONDS } from "../src/ladder.js";
import { DEFAULT_CRF, rateControlArgs, rungRateControl } from "../src/rate-control.js";

describe("rungRateControl", () => {
  it("caps every rung at the guide's bit rate, never above it, with a buffer of BUFSIZE_SECONDS of that rate", () => {
    for (const rung of BASE_RUNGS) {
      const rc = rungRateControl({ videoBitrateKbps: rung.videoKbps });
      expect(rc).toEqual({ crf: DEFAULT_CRF, maxrateKbps: rung.videoKbps, bufsizeKbps: rung.videoKbps * BUFSIZE_SECONDS });
    }
  });

  it("takes another CRF for the bench's curves and keeps the cap", () => {
    expect(rungRateControl({ videoBitrateKbps: 800 }, 31)).toEqual({ crf: 31, maxrateKbps: 800, bufsizeKbps: 1600 });
  });

  it("refuses a CRF x264 does not have and a rung without a bit rate", () => {
    expect(() => rungRateControl({ videoBitrateKbps: 800 }, 52)).toThrow(/0 to 51/);
    expect(() => rungRateControl({ videoBitrateKbps: 800 }, -1)).toThrow(/0 to 51/);
    expect(() => rungRateControl({ videoBitrateKbps: 0 })).toThrow(/positive bit rate/);
  });
});

describe("rateControlArgs", () => {
  it("gives the per-stream ffmpeg options of one output video stream", () => {
    expect(rateControlArgs(2, { crf: 23, maxrateKbps: 1400, bufsizeKbps: 2800 })).toEqual([
      "-crf:v:2",
      "23",
      "-maxrate:v:2",
      "1400k",
      "-bufsize:v:2",
      "2800k",
    ]);
  });
});
