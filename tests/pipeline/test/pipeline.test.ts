import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getVideoHistory } from "@aq/platform/db";
import { headObject, listPrefix } from "@aq/platform/storage";
import { makeTestClip, waitFor } from "@aq/devkit";
import { startPipelineStack, submitVideo, waitForStatus, type PipelineStack } from "./harness.js";

let stack: PipelineStack;
let clip360: string;
let clip720: string;
let tooShort: string;

beforeAll(async () => {
  stack = await startPipelineStack();
  clip720 = join(stack.scratch, "clip720.mp4");
  clip360 = join(stack.scratch, "clip360.mp4");
  tooShort = join(stack.scratch, "short.mp4");
  await Promise.all([
    makeTestClip(clip720, { seconds: 7, width: 1280, height: 720, fps: 30, audio: "stereo" }),
    makeTestClip(clip360, { seconds: 7, width: 640, height: 360, fps: 25, audio: "stereo" }),
    makeTestClip(tooShort, { seconds: 3, width: 640, height: 360, fps: 25, audio: "none" }),
  ]);
});

afterAll(async () => {
  await stack?.stop();
});

describe("pipeline services over NATS JetStream", () => {
  it("takes an uploaded video to ready: the exact layout in the bucket, content types, nothing left behind", async () => {
    await submitVideo(stack, clip720, "full-ladder");
    const video = await waitForStatus(stack, "full-ladder");
    expect(video.status).toBe("ready");
    expect(video.renditions?.map((r) => r.name)).toEqual(["240p", "360p", "480p", "720p"]);
    expect(video.outputPrefix).toBe("videos/full-ladder/");

    const keys = (await listPrefix(stack.s3.storage, "videos/full-ladder/")).map((o) => o.key).sort();
    for (const name of [
      "master.m3u8",
      "240p.m3u8",
      "360p.m3u8",
      "480p.m3u8",
      "720p.m3u8",
      "segments/240p_000.ts",
      "segments/720p_001.ts",
    ]) {
      expect(keys).toContain(`videos/full-ladder/${name}`);
    }
    expect(keys.every((k) => /^videos\/full-ladder\/(master|\d+p)\.m3u8$|^videos\/full-ladder\/segments\/\d+p_\d{3}\.ts$/.test(k))).toBe(
      true,
    );
    expect((await headObject(stack.s3.storage, "videos/full-ladder/master.m3u8"))?.contentType).toBe("application/vnd.apple.mpegurl");
    expect((await headObject(stack.s3.storage, "videos/full-ladder/segments/360p_000.ts"))?.contentType).toBe("video/mp2t");

    // The guide (docs/encoding-guide.md) §8: the original upload and every local file are gone once the output is stored.
    // The uploader cleans up after it records READY, so this waits for it rather than racing it.
    await waitFor(
      async () =>
        (await listPrefix(stack.s3.storage, "uploads/full-ladder/")).length === 0 &&
        !(await readdir(stack.workDir)).includes("full-ladder"),
      {
        message: "the upload and the work files of full-ladder to be removed",
      },
    );

    const history = (await getVideoHistory(stack.db, "full-ladder")).map((h) => h.toStatus);
    expect(history).toEqual(["uploaded", "probing", "probed", "encoding", "encoded", "uploading", "ready"]);
    // Not one request on the way that R2 would have refused (retried ones included).
    expect(stack.s3.strict?.refusals).toEqual([]);
  });

  it("rejects an invalid source with its typed code and goes on with the next video", async () => {
    await submitVideo(stack, tooShort, "too-short");
    await submitVideo(stack, clip360, "after-reject");
    const rejected = await waitForStatus(stack, "too-short");
    expect(rejected.status).toBe("rejected");
    expect(rejected.errorCode).toBe("SOURCE_TOO_SHORT");
    expect(rejected.errorMessage).toMatch(/5 s/);
    expect((await waitForStatus(stack, "after-reject")).status).toBe("ready");
  });

  it("treats a redelivered event for a stage already done as a no-op", async () => {
    await submitVideo(stack, clip360, "redelivered");
    expect((await waitForStatus(stack, "redelivered")).status).toBe("ready");
    const before = await getVideoHistory(stack.db, "redelivered");

    const { jetstream, jetstreamManager } = await import("@nats-io/jetstream");
    const js = jetstream(stack.nc);
    const jsm = await jetstreamManager(stack.nc);
    const replay = { v: 1, videoId: "redelivered", from: "probing", attempt: 0, at: new Date().toISOString(), error: null };
    const acks = await Promise.all([
      js.publish("aq.video.redelivered.uploaded", JSON.stringify({ ...replay, status: "uploaded" })),
      js.publish("aq.video.redelivered.probed", JSON.stringify({ ...replay, status: "probed" })),
      js.publish("aq.video.redelivered.encoded", JSON.stringify({ ...replay, status: "encoded" })),
    ]);
    const lastSeq = Math.max(...acks.map((a) => a.seq));
    // Every worker has taken and acknowledged the replayed events.
    for (const durable of ["probe", "encoder", "uploader"]) {
      await waitFor(
        async () => {
          const info = await jsm.consumers.info("AQ_PIPELINE", durable);
          return info.delivered.stream_seq >= lastSeq && info.num_ack_pending === 0;
        },
        { timeoutMs: 30_000, message: `${durable} to acknowledge the replayed event` },
      );
    }
    const after = await getVideoHistory(stack.db, "redelivered");
    expect(after).toEqual(before);
  });
});
