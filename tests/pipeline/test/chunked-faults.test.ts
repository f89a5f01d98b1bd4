import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { getChunks } from "@aq/platform/db";
import { sleep } from "@aq/platform/service";
import { makeTestClip, waitFor } from "@aq/devkit";
import {
  chunksUnderway,
  encodeGate,
  expectGuideLayout,
  expectServicesAlive,
  startPipelineStack,
  submitVideo,
  waitForStatus,
  type PipelineStack,
  type PipelineStackOptions,
} from "./harness.js";

/**
 * The faults of faults.test.ts, injected while a video is between its chunks: a 20 s clip in chunks
 * of one 6 s segment (6 + 6 + 6 + 2 s), one encoder taking one chunk at a time, so the fault lands
 * with some chunks done, one encoding and some queued.
 */
const CHUNKING = { CHUNK_MIN_SOURCE_SECONDS: "10", CHUNK_SECONDS: "6", CHUNK_FIRST_SEGMENTS: "1", ENCODER_CONCURRENCY: "1" };
const RUNGS = ["240p", "360p"];
const SEGMENTS = 4;

let stack: PipelineStack | undefined;

afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function chunkedStackWithClip(options: PipelineStackOptions = {}, env: Record<string, string> = {}) {
  stack = await startPipelineStack({ ...CHUNKING, ...env }, options);
  const clip = join(stack.scratch, "clip.mp4");
  await makeTestClip(clip, { seconds: 20, width: 640, height: 360, fps: 25, audio: "stereo" });
  return { stack, clip };
}

/** Every chunk done, none more than the two attempts a chunk has; the bucket in the guide's layout. */
async function expectCompleteChunkedVideo(s: PipelineStack, id: string): Promise<void> {
  const chunks = await getChunks(s.db, id);
  expect(chunks.map((c) => [c.index, c.status])).toEqual([0, 1, 2, 3].map((i) => [i, "done"]));
  for (const chunk of chunks) expect(chunk.attempts).toBeLessThanOrEqual(2);
  await expectGuideLayout(s, id, RUNGS, SEGMENTS);
}

it("survives a nats-server restart between a chunked video's chunks: READY in the guide's layout", async () => {
  const { stack: s, clip } = await chunkedStackWithClip();
  await submitVideo(s, clip, "chunk-nats");
  await chunksUnderway(s, "chunk-nats");
  const testClientBack = (async () => {
    for await (const status of s.nc.status()) if (status.type === "reconnect") return;
  })();
  await s.nats.restart();
  await testClientBack;
  expect((await waitForStatus(s, "chunk-nats")).status).toBe("ready");
  await expectCompleteChunkedVideo(s, "chunk-nats");
  expectServicesAlive(s);
});

// The chunk whose step the cut refuses is nakked and redelivered: its lease must be released
// first, or the redelivery finds it held and drops itself as a duplicate (the video then stayed
// `encoding` until the stuck sweep, 15 minutes on).
it("rides out Postgres being unreachable for a few seconds between a chunked video's chunks", async () => {
  const { stack: s, clip } = await chunkedStackWithClip({ proxy: ["database"] });
  await submitVideo(s, clip, "chunk-pg");
  await chunksUnderway(s, "chunk-pg");
  s.proxies.database?.cut();
  // The outage itself: the services see refused connections for this long.
  await sleep(4000);
  s.proxies.database?.restore();
  expect((await waitForStatus(s, "chunk-pg")).status).toBe("ready");
  await expectCompleteChunkedVideo(s, "chunk-pg");
  expectServicesAlive(s);
});

// A chunk held at the encode gate (its ffmpeg running, as far as the encoder can tell) while
// Postgres is cut for longer than the chunk leases last (3 s; a holder gives up after 2.1 s
// unconfirmed): the holder stops its work with nothing recorded. The job must come back once the
// lease has lapsed, not be acked as done (the video then stayed `encoding` until the stuck sweep).
it("redoes a chunk whose lease lapsed while Postgres was unreachable", async () => {
  const gate = await encodeGate();
  try {
    const { stack: s, clip } = await chunkedStackWithClip({ proxy: ["database"] }, { WORK_LEASE_SECONDS: "3", PATH: gate.path });
    await submitVideo(s, clip, "chunk-lapse");
    await waitFor(async () => (await gate.arrived()) >= 1, { intervalMs: 20, timeoutMs: 120_000, message: "a chunk at the gate" });
    s.proxies.database?.cut();
    // The outage itself: longer than the lease.
    await sleep(5000);
    s.proxies.database?.restore();
    await gate.open();
    const ended = await waitForStatus(s, "chunk-lapse");
    expect({ status: ended.status, code: ended.errorCode }).toEqual({ status: "ready", code: null });
    await expectCompleteChunkedVideo(s, "chunk-lapse");
    const encoderLog = await readFile(join(s.scratch, "logs", "encoder-service.log"), "utf8");
    expect(encoderLog).toContain("chunk job handed back until its lost lease lapses");
    expectServicesAlive(s);
  } finally {
    await gate.open();
    await stack?.stop();
    stack = undefined;
    await gate.remove();
  }
});

it("rides out S3 being down for a few seconds between a chunked video's chunks", async () => {
  const { stack: s, clip } = await chunkedStackWithClip({ proxy: ["s3"] });
  await submitVideo(s, clip, "chunk-s3");
  await chunksUnderway(s, "chunk-s3");
  s.proxies.s3?.cut();
  // The outage itself: every bucket request (inputs, segments, playlists) is refused for this long.
  await sleep(4000);
  s.proxies.s3?.restore();
  const ended = await waitForStatus(s, "chunk-s3");
  expect({ status: ended.status, code: ended.errorCode }).toEqual({ status: "ready", code: null });
  await expectCompleteChunkedVideo(s, "chunk-s3");
  expectServicesAlive(s);
});
