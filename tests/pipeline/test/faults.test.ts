import { stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { sleep } from "@aq/platform/service";
import { makeTestClip, startPipelineServices } from "@aq/devkit";
import { hlsOutputDir, retryVideo } from "@aq/pipeline";
import {
  encodeUnderway,
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

function expectServicesAlive(s: PipelineStack): void {
  for (const service of s.services?.services ?? [])
    expect({ name: service.name, exit: service.child.exitCode }).toEqual({ name: service.name, exit: null });
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

it("ends failed_upload with the local output kept when S3 stays down, and completes on retry", async () => {
  const { stack: s, clip } = await stackWithClip({}, { proxy: ["s3"] });
  await submitVideo(s, clip, "s3-down");
  await encodeUnderway(s, "s3-down");
  s.proxies.s3?.cut();
  const failed = await waitForStatus(s, "s3-down");
  expect(failed.status).toBe("failed_upload");
  expect(failed.errorCode).toBe("UPLOAD_FAILED");
  expect(failed.errorMessage).not.toMatch(/S3RVER|secret/i);
  expect((await stat(join(hlsOutputDir(s.workDir, "s3-down"), "master.m3u8"))).size).toBeGreaterThan(0);

  s.proxies.s3?.restore();
  expect((await retryVideo(s.db, "s3-down", { stuckAfterSeconds: 900 })).action).toBe("restarted");
  expect((await waitForStatus(s, "s3-down")).status).toBe("ready");
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
