import { describe, expect, it } from "vitest";
import {
  canBeStuck,
  canTransition,
  fromApiStatus,
  isFurtherAlong,
  PIPELINE_PATH,
  RETRYABLE_STATUSES,
  STATUS_TABLE,
  TERMINAL_STATUSES,
  toApiStatus,
  VIDEO_STATUSES,
  WORK_CONSUMERS,
  type VideoStatus,
} from "../src/index.js";

const stages = Object.values(WORK_CONSUMERS);

describe("the status table", () => {
  it("describes every status, in the order of VIDEO_STATUSES", () => {
    expect(Object.keys(STATUS_TABLE)).toEqual([...VIDEO_STATUSES]);
  });

  it("has the forward path from awaiting_upload to ready, each step an allowed move", () => {
    expect(PIPELINE_PATH).toEqual(["awaiting_upload", "uploaded", "probing", "probed", "encoding", "encoded", "uploading", "ready"]);
    for (let i = 1; i < PIPELINE_PATH.length; i++)
      expect(canTransition(PIPELINE_PATH[i - 1] as VideoStatus, PIPELINE_PATH[i] as VideoStatus)).toBe(true);
    expect(isFurtherAlong("encoding", "probed")).toBe(true);
    expect(isFurtherAlong("probing", "encoding")).toBe(false);
    expect(isFurtherAlong("encoding", "failed_encoding")).toBe(false);
  });

  it("allows every move a worker, the sweep and retryVideo make", () => {
    for (const { status: queued, working, failed } of stages) {
      expect([
        canTransition(queued, working),
        canTransition(working, queued),
        canTransition(queued, failed),
        canTransition(working, failed),
      ]).toEqual([true, true, true, true]);
    }
    for (const failed of RETRYABLE_STATUSES) {
      const stage = stages.find((s) => s.failed === failed);
      expect(stage && canTransition(failed, stage.status)).toBe(true);
    }
    for (const status of VIDEO_STATUSES.filter((s) => s !== "deleted")) expect(canTransition(status, "deleted")).toBe(true);
  });

  it("lets nothing leave deleted, and terminal statuses go only to deleted unless a retry restarts them", () => {
    expect(STATUS_TABLE.deleted.next).toEqual([]);
    for (const status of TERMINAL_STATUSES) {
      const onward = STATUS_TABLE[status].next.filter((next) => next !== "deleted");
      expect({ status, onward: onward.length > 0 }).toEqual({ status, onward: RETRYABLE_STATUSES.includes(status) });
    }
    expect(canTransition("ready", "encoding")).toBe(false);
    expect(canTransition("rejected", "uploaded")).toBe(false);
  });

  it("makes the failed statuses of the encode and store stages retryable, not the probe's verdict", () => {
    expect(RETRYABLE_STATUSES).toEqual(stages.map((s) => s.failed).filter((s) => s !== "rejected"));
  });

  it("counts exactly the statuses a worker waits for or works in as ones a video can get stuck in", () => {
    expect(VIDEO_STATUSES.filter(canBeStuck).sort()).toEqual(stages.flatMap((s) => [s.status, s.working]).sort());
  });

  it("spells statuses in the API's upper case and back", () => {
    expect(toApiStatus("failed_encoding")).toBe("FAILED_ENCODING");
    expect(VIDEO_STATUSES.map(toApiStatus).map(fromApiStatus)).toEqual([...VIDEO_STATUSES]);
  });
});
