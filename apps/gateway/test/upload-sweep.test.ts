import { getVideo, transitionVideo } from "@aq/platform/db";
import { createLogger } from "@aq/platform/log";
import { deletePrefix, headObject, uploadPrefix } from "@aq/platform/storage";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sweepUploads } from "../src/upload-sweep.js";
import { startInfrastructure, startTestGateway, type Infrastructure, type TestGateway } from "./harness.js";

const TTL_SECONDS = 600;

let infra: Infrastructure;
let gw: TestGateway;

beforeAll(async () => {
  infra = await startInfrastructure();
  gw = await startTestGateway(infra, { UPLOAD_URL_TTL_SECONDS: String(TTL_SECONDS) }, { relay: false, uploadSweepIntervalMs: false });
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

it("removes an upload PUT again after READY once the URL has expired, and keeps a source the encoder still needs", async () => {
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

  const result = await sweep(afterExpiry(ready));
  expect(result.cleaned).toContain(ready.id);
  expect(result.cleaned).not.toContain(encoding.id);
  expect(await headObject(gw.storage, `uploads/${ready.id}/clip.mp4`)).toBeNull();
  expect(await headObject(gw.storage, `uploads/${encoding.id}/clip.mp4`)).not.toBeNull();
  expect((await getVideo(gw.db, ready.id))?.status).toBe("ready");
});
