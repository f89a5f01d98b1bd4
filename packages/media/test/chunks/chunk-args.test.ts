import { describe, expect, it } from "vitest";
import { defaultLadderConfig } from "@aq/config";
import { ladderOutputArgs } from "../../src/encode-args.js";
import { planLadder } from "../../src/ladder.js";
import { parseProbeJson } from "../../src/probe.js";

const info = parseProbeJson("/in.mp4", {
  format: { duration: "60" },
  streams: [{ index: 0, codec_type: "video", codec_name: "h264", width: 1280, height: 720, r_frame_rate: "30/1", avg_frame_rate: "30/1" }],
});
const plan = planLadder(info, defaultLadderConfig);

function valuesOf(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
}

describe("ladderOutputArgs for a chunk", () => {
  const base = {
    plan,
    preset: "medium" as const,
    rateControl: defaultLadderConfig.rateControl,
    threads: 0,
    toneMapped: false,
    audioMaps: null,
  };

  it("continues the 2 s keyframe grid after the keyframes of the chunks before", () => {
    expect(valuesOf(ladderOutputArgs({ ...base, audioMode: "copy" }), "-force_key_frames")).toEqual(["expr:gte(t,n_forced*2)"]);
    expect(valuesOf(ladderOutputArgs({ ...base, audioMode: "copy", keyframesBefore: 6 }), "-force_key_frames")).toEqual([
      "expr:gte(t,(n_forced+6)*2)",
    ]);
  });

  it("starts every chunk's VBV buffer half full, the first as a video's start and a later one as the single run mid-stream", () => {
    const first = valuesOf(ladderOutputArgs({ ...base, audioMode: "copy" }), "-rc_init_occupancy:v:0");
    const later = valuesOf(ladderOutputArgs({ ...base, audioMode: "copy", keyframesBefore: 3 }), "-rc_init_occupancy:v:0");
    // 240p: 400 kbit/s cap, a 2 s buffer of 800 kbit.
    expect(first).toEqual(["400k"]);
    expect(later).toEqual(["400k"]);
  });

  it("copies already encoded audio instead of encoding it", () => {
    const args = ladderOutputArgs({ ...base, audioMaps: plan.map(() => "1:a:0"), audioMode: "copy" });
    expect(valuesOf(args, "-c:a")).toEqual(["copy"]);
    expect(args.some((a) => a.startsWith("-b:a"))).toBe(false);
    expect(valuesOf(args, "-map").filter((m) => m === "1:a:0")).toHaveLength(plan.length);
  });
});
