import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { sleep } from "@aq/platform/service";
import { cacheControlFor, contentTypeFor, stagedOutputPrefix, videoPrefix, workPrefix } from "@aq/contracts";
import { BUCKET_BACKOFF, headObject, listPrefix } from "@aq/platform/storage";
import {
  makeTestClip,
  startPipelineServices,
  startServiceProcess,
  startTcpProxy,
  stopChild,
  waitFor,
  type RunningService,
} from "@aq/devkit";
import { retryVideo } from "@aq/pipeline";
import {
  encodeUnderway,
  expectServicesAlive,
  startPipelineStack,
  submitVideo,
  waitForStatus,
  type PipelineStack,
  type PipelineStackOptions,
} from "./harness.js";

let stack: PipelineStack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function stackWithClip(env: Record<string, string>, options: PipelineStackOptions = {}, seconds = 12) {
  stack = await startPipelineStack({ ENCODER_CONCURRENCY: "1", ...env }, options);
  const clip = join(stack.scratch, "clip.mp4");
  await makeTestClip(clip, { seconds, width: 426, height: 240, fps: 25, audio: "stereo" });
  return { stack, clip };
}

const byPath = <T extends { path: string }>(entries: readonly T[]) => [...entries].sort((a, b) => (a.path < b.path ? -1 : 1));

/** The objects under a prefix as paths below it and sizes, sorted. */
async function tree(s: PipelineStack, prefix: string) {
  return byPath((await listPrefix(s.s3.storage, prefix)).map((o) => ({ path: o.key.slice(prefix.length), size: o.size })));
}

it("survives a nats-server restart with videos queued and one encoding: every video ends ready", async () => {
  const { stack: s, clip } = await stackWithClip({});
  const ids = ["nats-1", "nats-2", "nats-3"];
  for (const id of ids) await submitVideo(s, clip, id);
  await encodeUnderway(s, "nats-1");
  const testClientBack = (async () => {
    for await (const status of s.nc.status()) if (status.type === "reconnect") return;
  })();
  await s.nats.restart();
  await testClientBack;
  for (const id of ids) expect((await waitForStatus(s, id)).status).toBe("ready");
  expectServicesAlive(s);
});

it("rides out Postgres being unreachable for a few seconds mid-encode", async () => {
  const { stack: s, clip } = await stackWithClip({}, { proxy: ["database"] });
  await submitVideo(s, clip, "pg-1");
  await submitVideo(s, clip, "pg-2");
  await encodeUnderway(s, "pg-1");
  s.proxies.database?.cut();
  // The outage itself: the services see refused connections for this long.
  await sleep(4000);
  s.proxies.database?.restore();
  for (const id of ["pg-1", "pg-2"]) expect((await waitForStatus(s, id)).status).toBe("ready");
  expectServicesAlive(s);
});

it("ends failed_upload with the staged output kept in the bucket when S3 stays down for the uploader, and completes on retry", async () => {
  const { stack: s, clip } = await stackWithClip({}, { services: false });
  // Only the uploader's link to S3 goes down: the encoder stages its output, the uploader cannot copy it.
  const endpoint = new URL(s.env.S3_ENDPOINT!);
  const uploaderLink = await startTcpProxy(endpoint.hostname, Number(endpoint.port));
  s.proxies.s3 = uploaderLink;
  const services: RunningService[] = [];
  s.services = { services, stop: () => Promise.all(services.map((x) => stopChild(x.child, 15_000))).then(() => {}) };
  const workDirs = {
    probe: join(s.scratch, "work-probe"),
    encoder: join(s.scratch, "work-encoder"),
    uploader: join(s.scratch, "work-uploader"),
  };
  const logDir = join(s.scratch, "logs");
  services.push(await startServiceProcess("probe-service", { ...s.env, WORK_DIR: workDirs.probe }, { logDir }));
  services.push(await startServiceProcess("encoder-service", { ...s.env, WORK_DIR: workDirs.encoder }, { logDir }));
  const uploaderEnv = { ...s.env, WORK_DIR: workDirs.uploader, S3_ENDPOINT: `http://127.0.0.1:${uploaderLink.port}` };
  services.push(await startServiceProcess("uploader-service", uploaderEnv, { logDir }));

  await submitVideo(s, clip, "s3-down");
  await encodeUnderway(s, "s3-down");
  uploaderLink.cut();
  const failed = await waitForStatus(s, "s3-down");
  expect(failed.status).toBe("failed_upload");
  expect(failed.errorCode).toBe("UPLOAD_FAILED");
  expect(failed.errorMessage).toMatch(new RegExp(`^copy of work/s3-down/output/.+ failed after ${BUCKET_BACKOFF.attempts} attempts`));
  expect(failed.errorMessage).not.toMatch(/S3RVER|secret/i);
  // What the retry needs is in the bucket, as the encoder recorded it; neither disk holds any of it.
  const staged = await tree(s, stagedOutputPrefix("s3-down"));
  expect(staged).toEqual(byPath(failed.stagedOutput ?? []));
  expect(staged.map((o) => o.path)).toContain("master.m3u8");
  for (const dir of [workDirs.encoder, workDirs.uploader]) expect(await readdir(dir).catch(() => [])).toEqual([]);

  uploaderLink.restore();
  expect((await retryVideo(s.db, "s3-down", { stuckAfterSeconds: 900 })).action).toBe("restarted");
  const ready = await waitForStatus(s, "s3-down");
  expect(ready.status).toBe("ready");
  const prefix = videoPrefix("s3-down");
  expect(await tree(s, prefix)).toEqual(staged);
  // Cleaned up after READY was recorded: the staged output goes with the upload.
  await waitFor(async () => (await listPrefix(s.s3.storage, workPrefix("s3-down"))).length === 0, {
    message: "the staged output to be removed",
  });
  // The copies carry the headers the names call for, not whatever staging stored.
  for (const path of ["master.m3u8", "segments/240p_000.ts"]) {
    const head = await headObject(s.s3.storage, prefix + path);
    expect({ path, type: head?.contentType, cache: head?.cacheControl }).toEqual({
      path,
      type: contentTypeFor(path),
      cache: cacheControlFor(path),
    });
  }
});

it("ends failed_encoding with UPLOAD_FAILED, without encoding again, when the encoder cannot stage its output, and completes on retry", async () => {
  const { stack: s, clip } = await stackWithClip({}, { proxy: ["s3"] });
  await submitVideo(s, clip, "stage-down");
  await encodeUnderway(s, "stage-down");
  s.proxies.s3?.cut();
  const failed = await waitForStatus(s, "stage-down");
  expect(failed.status).toBe("failed_encoding");
  expect(failed.errorCode).toBe("UPLOAD_FAILED");
  // The encode itself succeeded: a second attempt would only meet the same bucket.
  expect(failed.attempts).toBe(1);
  expect(failed.stagedOutput).toBeNull();
  expect(failed.errorMessage).not.toMatch(/S3RVER|secret/i);

  s.proxies.s3?.restore();
  expect((await retryVideo(s.db, "stage-down", { stuckAfterSeconds: 900 })).action).toBe("restarted");
  const ready = await waitForStatus(s, "stage-down");
  expect(ready.status).toBe("ready");
  expect(await tree(s, videoPrefix("stage-down"))).toEqual(byPath(ready.stagedOutput ?? []));
});

it("refuses an encode that cannot fit in WORK_DIR, with a clear error, before starting it", async () => {
  const { stack: s, clip } = await stackWithClip({ ENCODE_DISK_RESERVE_BYTES: String(2 ** 50) }, {}, 6);
  await submitVideo(s, clip, "no-room");
  const failed = await waitForStatus(s, "no-room");
  expect(failed.status).toBe("failed_encoding");
  expect(failed.errorCode).toBe("INSUFFICIENT_DISK");
  expect(failed.errorMessage).toMatch(/not enough space in WORK_DIR to encode: about \d+ MB needed, 0 MB free/);
  expect(failed.attempts).toBe(0);
});

it("completes a video whose state change was committed by a process that died before publishing it", async () => {
  // No service runs: the row and its outbox event are committed, and nobody publishes them.
  const { stack: s, clip } = await stackWithClip({}, { services: false }, 6);
  await submitVideo(s, clip, "orphaned-event");
  // Any relay that comes up later publishes the pending event.
  s.services = await startPipelineServices(s.env, { logDir: join(s.scratch, "logs") });
  expect((await waitForStatus(s, "orphaned-event")).status).toBe("ready");
});
