import { describe, expect, it } from "vitest";
import { DEFAULT_CRF } from "@aq/config";
import { BASE_RUNGS, BUFSIZE_SECONDS, MAXRATE_FACTOR } from "../src/ladder.js";
import { CRF_INITIAL_BUFFER_SHARE, rateControlArgs, rungRateControl } from "../src/rate-control.js";

const rung = (kbps: number) => ({
  videoBitrateKbps: kbps,
  maxrateKbps: Math.round(kbps * MAXRATE_FACTOR),
  bufsizeKbps: kbps * BUFSIZE_SECONDS,
});

describe("rungRateControl", () => {
  it("caps every capped-CRF rung at the guide's bit rate, never above it, with a buffer of BUFSIZE_SECONDS of that rate", () => {
    for (const r of BASE_RUNGS) {
      const rc = rungRateControl(rung(r.videoKbps), { mode: "capped-crf", crf: DEFAULT_CRF });
      expect(rc).toMatchObject({
        mode: "capped-crf",
        crf: DEFAULT_CRF,
        maxrateKbps: r.videoKbps,
        bufsizeKbps: r.videoKbps * BUFSIZE_SECONDS,
      });
    }
  });

  it("starts the capped-CRF buffer part-full, so the first segment cannot spend the whole buffer above the cap", () => {
    const rc = rungRateControl(rung(800), { mode: "capped-crf", crf: 31 });
    expect(rc).toEqual({
      mode: "capped-crf",
      crf: 31,
      maxrateKbps: 800,
      bufsizeKbps: 1600,
      initialBufferKbits: 1600 * CRF_INITIAL_BUFFER_SHARE,
    });
    expect(CRF_INITIAL_BUFFER_SHARE).toBeLessThan(0.9); // x264's default, which the share replaces
  });

  it("keeps the plan's target, maxrate and buffer for the guide's fixed bit rates", () => {
    expect(rungRateControl(rung(800), { mode: "bitrate" })).toEqual({
      mode: "bitrate",
      bitrateKbps: 800,
      maxrateKbps: 880,
      bufsizeKbps: 1600,
    });
  });

  it("refuses a CRF x264 does not have and a rung without a bit rate", () => {
    expect(() => rungRateControl(rung(800), { mode: "capped-crf", crf: 52 })).toThrow(/0 to 51/);
    expect(() => rungRateControl(rung(800), { mode: "capped-crf", crf: -1 })).toThrow(/0 to 51/);
    expect(() => rungRateControl(rung(0), { mode: "bitrate" })).toThrow(/positive bit rate/);
  });
});

describe("rateControlArgs", () => {
  it("gives the per-stream ffmpeg options of one output video stream", () => {
    expect(rateControlArgs(2, { mode: "capped-crf", crf: 23, maxrateKbps: 1400, bufsizeKbps: 2800, initialBufferKbits: 700 })).toEqual([
      "-crf:v:2",
      "23",
      "-maxrate:v:2",
      "1400k",
      "-bufsize:v:2",
      "2800k",
      "-rc_init_occupancy:v:2",
      "700k",
    ]);
    expect(rateControlArgs(0, { mode: "bitrate", bitrateKbps: 400, maxrateKbps: 440, bufsizeKbps: 800 })).toEqual([
      "-b:v:0",
      "400k",
      "-maxrate:v:0",
      "440k",
      "-bufsize:v:0",
      "800k",
    ]);
  });
});
