import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertVideo, getVideo } from "@aq/platform/db";
import { addCaption, completeCaptionUpload, completeVideoUpload, pendingCaptionKey, removeCaption, type CaptionDeps } from "@aq/pipeline";
import { deleteObject, headObject, listPrefix, uploadFile, uploadKey } from "@aq/platform/storage";
import { isAqError } from "@aq/contracts";
import { makeTestClip } from "@aq/devkit";
import { objectText, startPipelineStack, waitForStatus, type PipelineStack } from "./harness.js";

const GERMAN = "1\n00:00:01,000 --> 00:00:02,500\nGuten Tag\n\n2\n00:00:05,000 --> 00:00:07,000\nÜber die Segmentgrenze\n";
const SPANISH = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nHola\n";
const BROKEN = "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03.000 --> 00:00:0x,000\nbad\n";

let stack: PipelineStack;
let clip: string;
let longClip: string;
let deps: CaptionDeps;

beforeAll(async () => {
  // Sources of 10 s and more are encoded in chunks, whose encoders write under videos/<id>/ themselves.
  stack = await startPipelineStack({ CHUNK_MIN_SOURCE_SECONDS: "10", CHUNK_SECONDS: "6", CHUNK_FIRST_SEGMENTS: "1" });
  clip = join(stack.scratch, "clip.mp4");
  longClip = join(stack.scratch, "long.mp4");
  await makeTestClip(clip, { seconds: 8, width: 640, height: 360, fps: 25, audio: "stereo" });
  await makeTestClip(longClip, { seconds: 14, width: 640, height: 360, fps: 25, audio: "stereo" });
  deps = { db: stack.db, storage: stack.s3.storage, uploadStorage: stack.s3.storage, uploadUrlTtlSeconds: 600 };
});

afterAll(async () => {
  await stack?.stop();
});

/** addCaption, then the PUT a client makes to the URL it gives. */
async function upload(videoId: string, language: string, body: string): Promise<void> {
  const { upload: target } = await addCaption(deps, videoId, { language, sizeBytes: Buffer.byteLength(body) });
  const put = await fetch(target.url, { method: target.method, body, headers: target.headers });
  expect(put.status).toBe(200);
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isAqError(error)) throw new Error(`expected an AqError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe("captions completed before READY", () => {
  it("are kept by the server while the video is in the pipeline and published by the uploader once it is READY", async () => {
    const id = "captioned-early";
    const source = uploadKey(id, "source.mp4");
    await insertVideo(stack.db, { id, title: id, status: "awaiting_upload", sourceKind: "upload", sourceLocation: source });

    // Attached right after createVideo, before the file is even sent.
    await upload(id, "de", GERMAN);
    const pending = await completeCaptionUpload(deps, id, "de", "Deutsch");
    expect(pending.status).toBe("awaiting_upload");
    expect(pending.captions).toEqual([]);
    expect(pending.pendingCaptions).toEqual([{ language: "de", label: "Deutsch", error: null }]);
    // Kept as WebVTT under a hidden name; the upload itself is gone.
    expect(await objectText(stack, pendingCaptionKey(id, "de"))).toBe(
      "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nGuten Tag\n\n00:00:05.000 --> 00:00:07.000\nÜber die Segmentgrenze\n",
    );
    expect((await listPrefix(stack.s3.storage, `videos/${id}/captions/.upload`)).map((o) => o.key)).toEqual([]);

    // A broken file is refused at once, naming the line, and nothing of it is kept.
    await upload(id, "fr", BROKEN);
    const broken = await refusal(completeCaptionUpload(deps, id, "fr"));
    expect(broken.code).toBe("CAPTION_INVALID");
    expect(broken.message).toMatch(/SRT line 6: "00:00:0x,000" is not a timestamp/);
    expect((await getVideo(stack.db, id))!.pendingCaptions.map((t) => t.language)).toEqual(["de"]);

    // A pending track can be removed before READY.
    await upload(id, "it", SPANISH);
    expect((await completeCaptionUpload(deps, id, "it")).pendingCaptions.map((t) => t.language)).toEqual(["de", "it"]);
    expect((await removeCaption(deps, id, "it")).pendingCaptions.map((t) => t.language)).toEqual(["de"]);
    expect(await headObject(stack.s3.storage, pendingCaptionKey(id, "it"))).toBeNull();

    // A track whose kept file is lost cannot be published: the video becomes READY all the same.
    await upload(id, "es", SPANISH);
    await completeCaptionUpload(deps, id, "es", "Español");
    await deleteObject(stack.s3.storage, pendingCaptionKey(id, "es"));

    await uploadFile(stack.s3.storage, clip, source);
    await completeVideoUpload(deps, id);
    const ready = await waitForStatus(stack, id);
    expect(ready.status).toBe("ready");
    expect(ready.chunkCount).toBeNull();
    // The uploader publishes right after it records READY (the status event comes first).
    await expect
      .poll(async () => (await getVideo(stack.db, id))!.pendingCaptions.filter((t) => t.error === null), { timeout: 30_000 })
      .toEqual([]);
    const video = (await getVideo(stack.db, id))!;
    expect(video.status).toBe("ready");
    expect(video.captions).toEqual([{ language: "de", label: "Deutsch" }]);
    expect(video.pendingCaptions).toEqual([
      { language: "es", label: "Español", error: { code: "NOT_FOUND", message: expect.any(String) } },
    ]);

    const master = await objectText(stack, `videos/${id}/master.m3u8`);
    expect(master).toContain('#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Deutsch",LANGUAGE="de"');
    expect(master).not.toContain('LANGUAGE="es"');
    expect(
      master
        .split("\n")
        .filter((l) => l.startsWith("#EXT-X-STREAM-INF:"))
        .every((l) => l.endsWith(',SUBTITLES="subs"')),
    ).toBe(true);
    const captionsPlaylist = await objectText(stack, `videos/${id}/captions/de.m3u8`);
    const variant = await objectText(stack, `videos/${id}/240p.m3u8`);
    const durations = (t: string) => [...t.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]).toFixed(2));
    expect(durations(captionsPlaylist)).toEqual(durations(variant));
    expect(await objectText(stack, `videos/${id}/captions/de_000.vtt`)).toMatch(/X-TIMESTAMP-MAP=MPEGTS:\d+,LOCAL:00:00:00\.000/);
    expect(await headObject(stack.s3.storage, pendingCaptionKey(id, "de"))).toBeNull();

    // The failed one is tried again with a new file, and published as completeCaptionUpload publishes on a READY video.
    await upload(id, "es", SPANISH);
    const retried = await completeCaptionUpload(deps, id, "es");
    expect(retried.captions).toEqual([
      { language: "de", label: "Deutsch" },
      { language: "es", label: "Español" },
    ]);
    expect(retried.pendingCaptions).toEqual([]);
    expect(await objectText(stack, `videos/${id}/master.m3u8`)).toContain('NAME="Español",LANGUAGE="es"');
  });

  it("wait beside a chunked encode's output in the bucket and are published once READY", async () => {
    const id = "captioned-chunked";
    const source = uploadKey(id, "source.mp4");
    await insertVideo(stack.db, { id, title: id, status: "awaiting_upload", sourceKind: "upload", sourceLocation: source });
    await upload(id, "de", GERMAN);
    await completeCaptionUpload(deps, id, "de", "Deutsch");
    await uploadFile(stack.s3.storage, longClip, source);
    await completeVideoUpload(deps, id);
    const ready = await waitForStatus(stack, id);
    // The uploader's check of the chunked output leaves the captions folder aside.
    expect(ready.status).toBe("ready");
    expect(ready.chunkCount).toBeGreaterThan(1);
    await expect
      .poll(async () => (await getVideo(stack.db, id))!.captions, { timeout: 30_000 })
      .toEqual([{ language: "de", label: "Deutsch" }]);
    expect((await getVideo(stack.db, id))!.pendingCaptions).toEqual([]);
    expect(await objectText(stack, `videos/${id}/master.m3u8`)).toContain('NAME="Deutsch",LANGUAGE="de"');
  });

  it("are refused for a failed or rejected video, and for a deleted one", async () => {
    for (const status of ["failed_encoding", "failed_upload", "rejected"] as const) {
      const id = `captions-${status.replace("_", "-")}`;
      await insertVideo(stack.db, { id, status, sourceKind: "upload", sourceLocation: uploadKey(id, "source.mp4") });
      const refused = await refusal(addCaption(deps, id, { language: "en", sizeBytes: 10 }));
      expect(refused.code).toBe("VIDEO_FAILED");
      expect(refused.message).toContain(status.toUpperCase());
      expect((await refusal(completeCaptionUpload(deps, id, "en"))).code).toBe("VIDEO_FAILED");
    }
    const deleted = "captions-deleted";
    await insertVideo(stack.db, { id: deleted, status: "deleted", sourceKind: "upload", sourceLocation: uploadKey(deleted, "source.mp4") });
    expect((await refusal(addCaption(deps, deleted, { language: "en", sizeBytes: 10 }))).code).toBe("NOT_FOUND");
  });
});
