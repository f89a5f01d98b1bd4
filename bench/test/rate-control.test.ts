import { describe, expect, it } from "vitest";
import { defaultLadderConfig } from "@aq/config";
import { buildEncodeArgs, parseProbeJson, planLadder } from "@aq/media";
import { withCrf } from "../src/rate-control.js";

const info = parseProbeJson("/src.mp4", {
  format: { format_name: "mov,mp4,m4a,3gp,3g2,mj2", duration: "10", size: "1000" },
  streams: [
    {
      index: 0,
      codec_type: "video",
      codec_name: "h264",
      width: 1920,
      height: 1080,
      pix_fmt: "yuv420p",
      r_frame_rate: "30/1",
      avg_frame_rate: "30/1",
    },
  ],
});

describe("withCrf", () => {
  it("replaces AQ's per-stream rate options with capped CRF at the guide's rate, in place, and leaves the rest", () => {
    const plan = planLadder(info, defaultLadderConfig);
    const args = buildEncodeArgs({ input: "in.mp4", info, plan, preset: "medium", threads: 0, toneMap: false });
    const out = withCrf(args, plan, 27);
    const rate = /^-(b|crf|maxrate|bufsize):v:\d+$/;
    expect(out.filter((a) => !rate.test(a) && !/^\d+k?$/.test(a))).toEqual(args.filter((a) => !rate.test(a) && !/^\d+k?$/.test(a)));
    plan.forEach((rung, i) => {
      const at = out.indexOf(`-crf:v:${i}`);
      expect(out.slice(at, at + 6)).toEqual([
        `-crf:v:${i}`,
        "27",
        `-maxrate:v:${i}`,
        `${rung.videoBitrateKbps}k`,
        `-bufsize:v:${i}`,
        `${rung.videoBitrateKbps * 2}k`,
      ]);
      expect(out).not.toContain(`-b:v:${i}`);
    });
    expect(out.indexOf("-crf:v:0")).toBe(args.findIndex((a) => rate.test(a)));
  });
});
