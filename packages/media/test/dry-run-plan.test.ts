import { describe, expect, it } from "vitest";
import { defaultLadderConfig } from "@aq/config";
import { estimateCpuSeconds, MEASURED_CPU_SECONDS_PER_VIDEO_MINUTE } from "../src/dry-run-plan.js";
import { planLadder } from "../src/ladder.js";
import { parseProbeJson } from "../src/probe.js";

const source = (width: number, height: number, fps: string) =>
  parseProbeJson("/src.mp4", {
    format: { format_name: "mov,mp4,m4a,3gp,3g2,mj2", duration: "60", size: "1000" },
    streams: [
      { index: 0, codec_type: "video", codec_name: "h264", width, height, pix_fmt: "yuv420p", r_frame_rate: fps, avg_frame_rate: fps },
    ],
  });

describe("estimateCpuSeconds", () => {
  it("gives the bench's figure for a minute of the measured ladder (1080p30 to 240p-720p)", () => {
    const plan = planLadder(source(1920, 1080, "30/1"), defaultLadderConfig);
    expect(estimateCpuSeconds(plan, 60, "medium")).toBeCloseTo(MEASURED_CPU_SECONDS_PER_VIDEO_MINUTE.medium!, 0);
  });

  it("scales with the duration and the output pixel rate", () => {
    const plan30 = planLadder(source(1920, 1080, "30/1"), defaultLadderConfig);
    const plan60 = planLadder(source(1920, 1080, "60/1"), defaultLadderConfig);
    expect(estimateCpuSeconds(plan30, 120, "veryfast")).toBeCloseTo(2 * MEASURED_CPU_SECONDS_PER_VIDEO_MINUTE.veryfast!, 0);
    expect(estimateCpuSeconds(plan60, 60, "medium")).toBeCloseTo(2 * MEASURED_CPU_SECONDS_PER_VIDEO_MINUTE.medium!, 0);
  });

  it("gives none for a preset the bench has not timed", () => {
    expect(estimateCpuSeconds(planLadder(source(1920, 1080, "30/1"), defaultLadderConfig), 60, "slow")).toBeNull();
  });
});
