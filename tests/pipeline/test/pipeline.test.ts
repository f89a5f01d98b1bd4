import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getVideoHistory } from "@aq/platform/db";
import { deleteVideo } from "@aq/pipeline";
import { createLogger } from "@aq/platform/log";
import { getObjectStream, headObject, listPrefix } from "@aq/platform/storage";
import { makeTestClip, waitFor } from "@aq/devkit";
import { startPipelineStack, submitVideo, VIDEO_OUTPUT_KEY, waitForStatus, type PipelineStack } from "./harness.js";

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
    await submitVideo(stack, clip720, "full-ladder", { mp4Download: true });
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
    expect(keys.filter((k) => !VIDEO_OUTPUT_KEY.test(k.slice("videos/full-ladder/".length)))).toEqual([]);
    expect((await headObject(stack.s3.storage, "videos/full-ladder/master.m3u8"))?.contentType).toBe("application/vnd.apple.mpegurl");
    expect((await headObject(stack.s3.storage, "videos/full-ladder/segments/360p_000.ts"))?.contentType).toBe("video/mp2t");
    // The QC report beside the guide's files (issue #15): one entry per rendition, as stored.
    expect((await headObject(stack.s3.storage, "videos/full-ladder/qc.json"))?.contentType).toBe("application/json");
    const qc = JSON.parse(
      Buffer.concat(await (await getObjectStream(stack.s3.storage, "videos/full-ladder/qc.json"))!.body.toArray()).toString("utf8"),
    );
    expect(qc.renditions.map((r: { name: string }) => r.name)).toEqual(["240p", "360p", "480p", "720p"]);
    expect(qc.keyframesAligned).toBe(true);

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

  it("stores a poster, thumbnails, a storyboard and the MP4 asked for beside the HLS files, and deletes them with the video", async () => {
    await submitVideo(stack, clip720, "with-assets", { mp4Download: true });
    const video = await waitForStatus(stack, "with-assets");
    expect(video.status).toBe("ready");
    const { assets } = video;
    expect(assets).toMatchObject({
      poster: { path: "images/poster.jpg", width: 1280, height: 720 },
      thumbnails: { width: 640, height: 360, times: [0, 2, 4, 6] },
      storyboard: { path: "images/storyboard.vtt", sheets: 1, columns: 4, rows: 1, tile: { width: 160, height: 90 } },
      download: { path: "download/with-assets.mp4", rendition: "720p" },
    });

    const prefix = "videos/with-assets/";
    const objects = new Map((await listPrefix(stack.s3.storage, prefix)).map((o) => [o.key.slice(prefix.length), o]));
    const expected: [string, string][] = [
      ["images/poster.jpg", "image/jpeg"],
      ["images/thumb_0000.jpg", "image/jpeg"],
      ["images/thumb_0003.jpg", "image/jpeg"],
      ["images/storyboard_0.jpg", "image/jpeg"],
      ["images/storyboard.vtt", "text/vtt; charset=utf-8"],
      ["download/with-assets.mp4", "video/mp4"],
    ];
    for (const [name, contentType] of expected) {
      expect(objects.get(name)?.size, name).toBeGreaterThan(0);
      expect((await headObject(stack.s3.storage, prefix + name))?.contentType, name).toBe(contentType);
    }
    expect([...objects.keys()].filter((k) => k.startsWith("images/"))).toHaveLength(1 + 4 + 1 + 1);
    expect(objects.get("download/with-assets.mp4")?.size).toBe(assets!.download!.bytes);
    const vtt = await getObjectStream(stack.s3.storage, `${prefix}images/storyboard.vtt`);
    const text = Buffer.concat(await vtt!.body.toArray()).toString("utf8");
    expect(text).toMatch(/^WEBVTT\n\n00:00:00\.000 --> 00:00:02\.000\nstoryboard_0\.jpg#xywh=0,0,160,90\n/);

    await deleteVideo({ db: stack.db, storage: stack.s3.storage, log: createLogger("test", "silent") }, "with-assets");
    expect(await listPrefix(stack.s3.storage, prefix)).toEqual([]);
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
