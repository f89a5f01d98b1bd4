import { getVideo, transitionVideo } from "@aq/platform/db";
import { createLogger } from "@aq/platform/log";
import { newVideoId } from "@aq/contracts";
import {
  createMultipartUpload,
  deletePrefix,
  headObject,
  listMultipartUploads,
  listUploadedParts,
  presignUploadPart,
  putTextObject,
  uploadPrefix,
  workKey,
} from "@aq/platform/storage";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sweepUploads } from "../src/upload-sweep.js";
import { startInfrastructure, startTestGateway, type Infrastructure, type TestGateway } from "./harness.js";

const TTL_SECONDS = 600;
const MULTIPART_TTL_SECONDS = 7200;
const MIB = 1024 * 1024;

let infra: Infrastructure;
let gw: TestGateway;

beforeAll(async () => {
  infra = await startInfrastructure();
  gw = await startTestGateway(
    infra,
    {
      UPLOAD_URL_TTL_SECONDS: String(TTL_SECONDS),
      MULTIPART_UPLOAD_TTL_SECONDS: String(MULTIPART_TTL_SECONDS),
      MULTIPART_UPLOAD_THRESHOLD_BYTES: String(5 * MIB),
      MULTIPART_PART_BYTES: String(5 * MIB),
    },
    { relay: false, uploadSweepIntervalMs: false },
  );
});

afterAll(async () => {
  await gw?.stop();
  await infra?.stop();
});

interface Created {
  id: string;
  createdAt: Date;
  put(): Promise<number>;
}

async function createUpload(body: Buffer): Promise<Created> {
  const result = await gw.graphql<{
    createVideo: { video: { id: string; createdAt: string }; upload: { url: string; headers: Array<{ name: string; value: string }> } };
  }>(
    `mutation($input: CreateVideoInput!) { createVideo(input: $input) { video { id createdAt } upload { url headers { name value } } } }`,
    {
      input: { upload: { filename: "clip.mp4", contentType: "video/mp4", sizeBytes: body.length } },
    },
  );
  const { video, upload } = result.data!.createVideo;
  return {
    id: video.id,
    createdAt: new Date(video.createdAt),
    put: async () =>
      (await fetch(upload.url, { method: "PUT", headers: Object.fromEntries(upload.headers.map((h) => [h.name, h.value])), body })).status,
  };
}

const sweep = (now: Date) =>
  sweepUploads({ db: gw.db, storage: gw.storage, log: createLogger("sweep-test", "silent"), uploadUrlTtlSeconds: TTL_SECONDS }, now);
const afterExpiry = (created: Created) => new Date(created.createdAt.getTime() + (TTL_SECONDS + 1) * 1000);

it("marks an upload never completed DELETED once its URL has expired, and removes what was uploaded", async () => {
  const body = Buffer.alloc(64, 1);
  const video = await createUpload(body);
  expect(await video.put()).toBe(200);

  const early = await sweep(new Date(afterExpiry(video).getTime() - 2000));
  expect(early.expired).not.toContain(video.id);
  expect((await getVideo(gw.db, video.id))?.status).toBe("awaiting_upload");

  const late = await sweep(afterExpiry(video));
  expect(late.expired).toContain(video.id);
  expect(late.cleaned).toContain(video.id);
  expect((await getVideo(gw.db, video.id))?.status).toBe("deleted");
  expect(await headObject(gw.storage, `uploads/${video.id}/clip.mp4`)).toBeNull();
});

it("removes an upload PUT again and work/ left after READY once the URL has expired, and keeps what the encoder still needs", async () => {
  const body = Buffer.alloc(64, 2);
  const ready = await createUpload(body);
  const encoding = await createUpload(body);
  for (const video of [ready, encoding]) {
    expect(await video.put()).toBe(200);
    expect((await gw.graphql(`mutation($id: ID!) { completeVideoUpload(id: $id) { status } }`, { id: video.id })).errors).toBeUndefined();
  }
  // What the pipeline does: READY, its upload removed; the other still encoding from its upload.
  for (const status of ["probing", "probed", "encoding", "encoded", "uploading", "ready"] as const) {
    const from = {
      probing: "uploaded",
      probed: "probing",
      encoding: "probed",
      encoded: "encoding",
      uploading: "encoded",
      ready: "uploading",
    } as const;
    expect(await transitionVideo(gw.db, { id: ready.id, from: from[status], to: status })).not.toBeNull();
    if (status === "probing" || status === "probed" || status === "encoding")
      await transitionVideo(gw.db, { id: encoding.id, from: from[status], to: status });
  }
  await deletePrefix(gw.storage, uploadPrefix(ready.id));
  // The upload URL is still valid: the file can be put back after READY.
  expect(await ready.put()).toBe(200);
  // work/<id>/ left behind by a refused cleanup after READY; the other's still in use.
  for (const video of [ready, encoding]) await putTextObject(gw.storage, workKey(video.id, "head.mp4"), "a chunk input");

  const result = await sweep(afterExpiry(ready));
  expect(result.cleaned).toContain(ready.id);
  expect(result.cleaned).not.toContain(encoding.id);
  expect(await headObject(gw.storage, `uploads/${ready.id}/clip.mp4`)).toBeNull();
  expect(await headObject(gw.storage, workKey(ready.id, "head.mp4"))).toBeNull();
  expect(await headObject(gw.storage, `uploads/${encoding.id}/clip.mp4`)).not.toBeNull();
  expect(await headObject(gw.storage, workKey(encoding.id, "head.mp4"))).not.toBeNull();
  expect((await getVideo(gw.db, ready.id))?.status).toBe("ready");
});

it("aborts an abandoned multipart upload once its window closed (not at the upload URL's), so no parts stay in the bucket", async () => {
  const created = await gw.graphql<{ createVideo: { video: { id: string; createdAt: string }; multipart: { expiresAt: string } } }>(
    `mutation($input: CreateVideoInput!) { createVideo(input: $input) { video { id createdAt } multipart { expiresAt } } }`,
    { input: { upload: { filename: "long.mov", contentType: "video/quicktime", sizeBytes: 12 * MIB } } },
  );
  const { video, multipart } = created.data!.createVideo;
  const expiresAt = new Date(multipart.expiresAt);
  expect(expiresAt.getTime() - new Date(video.createdAt).getTime()).toBe(MULTIPART_TTL_SECONDS * 1000);
  const signed = await gw.graphql<{ signUploadParts: Array<{ url: string }> }>(
    `mutation($id: ID!) { signUploadParts(id: $id, partNumbers: [1]) { url } }`,
    { id: video.id },
  );
  expect((await fetch(signed.data!.signUploadParts[0]!.url, { method: "PUT", body: new Uint8Array(5 * MIB) })).status).toBe(200);
  const key = `uploads/${video.id}/long.mov`;
  const uploadId = (await getVideo(gw.db, video.id))!.multipartUploadId!;

  // Past the upload URL lifetime, still inside the multipart window: an upload in progress is left alone.
  const during = await sweep(new Date(new Date(video.createdAt).getTime() + (TTL_SECONDS + 1) * 1000));
  expect(during.expired).not.toContain(video.id);
  expect(during.aborted).not.toContain(video.id);
  expect(await listUploadedParts(gw.storage, key, uploadId)).toHaveLength(1);

  const after = await sweep(new Date(expiresAt.getTime() + 1000));
  expect(after.expired).toContain(video.id);
  expect(after.aborted).toContain(video.id);
  expect((await getVideo(gw.db, video.id))?.status).toBe("deleted");
  expect(await listUploadedParts(gw.storage, key, uploadId)).toBeNull();
  expect(await listMultipartUploads(gw.storage, uploadPrefix(video.id))).toEqual([]);
});

it("aborts an orphaned multipart upload (no video row) once it is older than the upload URL lifetime", async () => {
  const id = newVideoId();
  const key = `uploads/${id}/orphan.mov`;
  const uploadId = await createMultipartUpload(gw.storage, key, "video/quicktime");
  const part = await presignUploadPart(gw.storage, { key, uploadId, partNumber: 1, contentLength: 10 }, 600);
  expect((await fetch(part.url, { method: "PUT", body: new Uint8Array(10) })).status).toBe(200);

  expect((await sweep(new Date())).aborted).not.toContain(id);
  expect(await listMultipartUploads(gw.storage, uploadPrefix(id))).toHaveLength(1);
  expect((await sweep(new Date(Date.now() + (TTL_SECONDS + 60) * 1000))).aborted).toContain(id);
  expect(await listMultipartUploads(gw.storage, uploadPrefix(id))).toEqual([]);
});
