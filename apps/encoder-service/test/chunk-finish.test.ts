import { describe, expect, it } from "vitest";
import type { VideoChunkRow, VideoRow } from "@aq/platform/db";
import { chunkedStep } from "../src/chunk-finish.js";

const planned = {
  chunkCount: 3,
  chunkSource: { normalizedKey: "work/v/normalized.mp4", info: { audio: null }, audio: [] },
} as unknown as VideoRow;
const chunks = (...statuses: VideoChunkRow["status"][]) => statuses.map((status, index) => ({ index, status }) as VideoChunkRow);

describe("chunkedStep", () => {
  it("plans a video not planned yet", () => {
    expect(chunkedStep({ ...planned, chunkSource: null }, [])).toBe("plan");
  });

  it("finishes a video whose chunks are all done, and only then", () => {
    expect(chunkedStep(planned, chunks("done", "done", "done"))).toBe("finish");
    expect(chunkedStep(planned, chunks("done", "done"))).toBe("wait");
  });

  it("leaves chunks on their way alone", () => {
    expect(chunkedStep(planned, chunks("done", "encoding", "pending"))).toBe("wait");
  });

  it("plans again while the whole-source audio of a source with audio is not in the bucket (the planner stopped after queueing the first chunk)", () => {
    const audible = (audio: { bitrateKbps: number; key: string }[]) =>
      ({ ...planned, chunkSource: { ...planned.chunkSource!, info: { audio: { index: 1 } }, audio } }) as unknown as VideoRow;
    expect(chunkedStep(audible([]), chunks("done", "pending", "pending"))).toBe("plan");
    expect(chunkedStep(audible([{ bitrateKbps: 64, key: "work/v/audio-64k.m4a" }]), chunks("done", "pending", "pending"))).toBe("wait");
  });

  it("plans again while only the head the first chunk reads is in the bucket, audio or not", () => {
    const headOnly = { ...planned, chunkSource: { ...planned.chunkSource!, headKey: "work/v/head.mp4" } } as VideoRow;
    expect(chunkedStep(headOnly, chunks("done", "pending", "pending"))).toBe("plan");
  });

  it("queues again what is not done once a chunk failed (a retry of the failed video)", () => {
    expect(chunkedStep(planned, chunks("done", "failed", "encoding"))).toBe("plan");
  });
});
