import { describe, expect, it } from "vitest";
import type { VideoChunkRow, VideoRow } from "@aq/platform/db";
import { chunkedStep } from "../src/chunk-finish.js";

const planned = { chunkCount: 3, chunkSource: { normalizedKey: "work/v/normalized.mp4", info: {}, audio: [] } } as unknown as VideoRow;
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

  it("queues again what is not done once a chunk failed (a retry of the failed video)", () => {
    expect(chunkedStep(planned, chunks("done", "failed", "encoding"))).toBe("plan");
  });
});
