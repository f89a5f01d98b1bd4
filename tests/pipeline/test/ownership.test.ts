import { readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { execa } from "execa";
import { sql } from "drizzle-orm";
import { afterEach, expect, it } from "vitest";
import { AqError } from "@aq/contracts";
import { getVideo, getVideoHistory, insertVideo } from "@aq/platform/db";
import { listPrefix } from "@aq/platform/storage";
import { makeTestClip, waitFor } from "@aq/devkit";
import { retryVideo } from "@aq/pipeline";
import {
  encodeGate,
  encodeUnderway,
  startPipelineStack,
  submitVideo,
  waitForStatus,
  type EncodeGate,
  type PipelineStack,
} from "./harness.js";

let stack: PipelineStack | undefined;
let server: Server | undefined;
let gate: EncodeGate | undefined;

afterEach(async () => {
  await gate?.open();
  await stack?.stop();
  stack = undefined;
  await gate?.remove();
  gate = undefined;
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** ffmpeg processes working on one video of this stack (setpriv execs ffmpeg, so one line each). */
async function ffmpegsOf(s: PipelineStack, videoId: string): Promise<number> {
  const { stdout } = await execa("ps", ["-eo", "args="]);
  return stdout.split("\n").filter((line) => line.startsWith("ffmpeg ") && line.includes(join(s.workDir, videoId))).length;
}

/** Until the video is terminal, every sample of the process list shows at most one ffmpeg on it; returns the most seen. */
async function mostFfmpegsUntilDone(s: PipelineStack, videoId: string): Promise<number> {
  let most = 0;
  await waitFor(
    async () => {
      most = Math.max(most, await ffmpegsOf(s, videoId));
      const video = await getVideo(s.db, videoId);
      return video?.status === "ready" || video?.status === "failed_encoding";
    },
    { timeoutMs: 240_000, intervalMs: 200, message: `${videoId} to finish encoding` },
  );
  return most;
}

async function statuses(s: PipelineStack, videoId: string): Promise<string[]> {
  return (await getVideoHistory(s.db, videoId)).map((h) => h.toStatus);
}

it("refuses to retry a video whose encode is moving (NOT_RETRYABLE), and never runs two ffmpeg on it", async () => {
  stack = await startPipelineStack({ ENCODER_CONCURRENCY: "2" });
  const s = stack;
  const clip = join(s.scratch, "clip.mp4");
  await makeTestClip(clip, { seconds: 12, width: 426, height: 240, fps: 25 });
  await submitVideo(s, clip, "moving");
  // Sampled from the submission on: the one encode is seen however soon after the retry it ends.
  const mostFfmpegs = mostFfmpegsUntilDone(s, "moving");
  await encodeUnderway(s, "moving");
  // Old enough by the status clock that a retry keyed on it alone would accept it.
  await waitFor(async () => Date.now() - (await getVideo(s.db, "moving"))!.statusChangedAt.getTime() > 1500, {
    message: "status 1.5 s old",
  });

  const refused = await retryVideo(s.db, "moving", { stuckAfterSeconds: 1 }).catch((error: unknown) => error);
  expect(refused).toBeInstanceOf(AqError);
  expect(refused).toMatchObject({
    code: "NOT_RETRYABLE",
    message: expect.stringMatching(/a worker is still on it; its lease was renewed \d+ s ago/),
  });

  expect(await mostFfmpegs).toBe(1);
  const video = await waitForStatus(s, "moving");
  expect(video).toMatchObject({ status: "ready", attempts: 1 });
  expect((await statuses(s, "moving")).filter((status) => status === "encoding")).toHaveLength(1);
});

it("an encoder whose lease is taken over stops its ffmpeg and changes nothing; the work is retried once the lease expires", async () => {
  stack = await startPipelineStack({ ENCODER_CONCURRENCY: "1", WORK_LEASE_SECONDS: "3" });
  const s = stack;
  const clip = join(s.scratch, "clip.mp4");
  await makeTestClip(clip, { seconds: 12, width: 426, height: 240, fps: 25 });
  await submitVideo(s, clip, "stolen");
  await encodeUnderway(s, "stolen");

  // Another owner takes the lease (as after a pause longer than the lease): the encoder must notice and stop.
  await s.db.execute(
    sql`update work_leases set token = gen_random_uuid(), owner = 'thief', expires_at = now() + interval '1 hour' where video_id = 'stolen'`,
  );
  await waitFor(async () => (await ffmpegsOf(s, "stolen")) === 0, { timeoutMs: 30_000, message: "the old owner's ffmpeg to be killed" });
  const log = join(s.scratch, "logs", "encoder-service.log");
  await waitFor(async () => (await readFile(log, "utf8")).includes("stage stopped: its lease was lost"), {
    timeoutMs: 30_000,
    message: "the stop logged",
  });
  expect(await getVideo(s.db, "stolen")).toMatchObject({ status: "encoding", attempts: 1 });
  await expect(retryVideo(s.db, "stolen", { stuckAfterSeconds: 1 })).rejects.toMatchObject({ code: "NOT_RETRYABLE" });

  // The thief never finishes: once its lease has expired, a retry hands the work back.
  await s.db.execute(sql`update work_leases set expires_at = now() - interval '1 second' where video_id = 'stolen'`);
  expect((await retryVideo(s.db, "stolen", { stuckAfterSeconds: 1 })).action).toBe("requeued");
  expect(await waitForStatus(s, "stolen")).toMatchObject({ status: "ready", attempts: 1 });
});

it("a backlog of 4 videos on 2 slots, waiting longer than the stuck threshold (2 s), ends 4 READY with one encode each", async () => {
  // The two slots' encodes are held at a gate until the sweep has re-announced the waiting videos:
  // on a quiet machine the backlog could otherwise clear before the threshold and prove nothing.
  gate = await encodeGate();
  stack = await startPipelineStack({ ENCODER_CONCURRENCY: "2", STUCK_AFTER_SECONDS: "2", SWEEP_INTERVAL_SECONDS: "1", PATH: gate.path });
  const s = stack;
  // Different lengths, so that the two slots free up at different times and a re-announced copy
  // is pulled while its video is still encoding in the other slot.
  const short = join(s.scratch, "short.mp4");
  const long = join(s.scratch, "long.mp4");
  await Promise.all([
    makeTestClip(short, { seconds: 6, width: 426, height: 240, fps: 25 }),
    makeTestClip(long, { seconds: 12, width: 426, height: 240, fps: 25 }),
  ]);
  const ids = ["backlog-1", "backlog-2", "backlog-3", "backlog-4"];
  for (const [i, id] of ids.entries()) await submitVideo(s, i % 2 ? long : short, id);
  const encoderLog = join(s.scratch, "logs", "encoder-service.log");
  const sweepLines = async () => (await readFile(encoderLog, "utf8")).match(/re-announced by the stuck-work sweep|sweep: re-queued/g);
  await waitFor(async () => (await gate!.arrived()) === 2 && (await sweepLines()) !== null, {
    timeoutMs: 120_000,
    message: "two encodes held and the waiting videos re-announced",
  });
  await gate.open();

  for (const id of ids) expect((await waitForStatus(s, id)).status).toBe("ready");
  for (const id of ids) {
    const history = await statuses(s, id);
    expect({ id, encodes: history.filter((status) => status === "encoding").length }).toEqual({ id, encodes: 1 });
    expect(history.join(" > ")).not.toContain("encoding > encoding");
    expect((await getVideo(s.db, id))?.attempts).toBe(1);
    expect((await listPrefix(s.s3.storage, `logs/${id}/`)).map((o) => o.key)).toEqual([`logs/${id}/encode-attempt-1.log`]);
  }
  // The sweep did re-announce the waiting ones: the copies were no-ops, not second encodes.
  expect((await sweepLines())?.length ?? 0).toBeGreaterThan(0);
});

it("probes a slowly served source once, while the stuck threshold passes, and rejects it with the right code", async () => {
  stack = await startPipelineStack({
    SOURCE_URL_ALLOW_PRIVATE: "true",
    SOURCE_MAX_DURATION_SECONDS: "20",
    STUCK_AFTER_SECONDS: "2",
    SWEEP_INTERVAL_SECONDS: "1",
  });
  const s = stack;
  const clip = join(s.scratch, "long.mp4");
  await makeTestClip(clip, { seconds: 24, width: 426, height: 240, fps: 10, audio: "none" });
  const bytes = await readFile(clip);
  let gets = 0;
  // Serves the file in 16 slices half a second apart: the fetch outlasts the 2 s threshold several times.
  server = createServer((req, res) => {
    gets++;
    res.writeHead(200, { "content-type": "video/mp4", "content-length": bytes.length });
    const slices = 16;
    let sent = 0;
    const timer = setInterval(() => {
      const end = Math.ceil((bytes.length * ++sent) / slices);
      res.write(bytes.subarray(Math.ceil((bytes.length * (sent - 1)) / slices), end));
      if (sent === slices) {
        clearInterval(timer);
        res.end();
      }
    }, 500);
    res.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/long.mp4`;
  await insertVideo(s.db, { id: "slow-source", title: "slow", status: "uploaded", sourceKind: "url", sourceLocation: url });

  const video = await waitForStatus(s, "slow-source");
  expect(video).toMatchObject({ status: "rejected", errorCode: "SOURCE_TOO_LONG" });
  expect(gets).toBe(1);
  expect((await statuses(s, "slow-source")).filter((status) => status === "probing")).toHaveLength(1);
});

/** A Matroska file whose Segment Duration says `declared` seconds while its frames run `real` seconds. */
async function makeLyingMkv(path: string, real: number, declared: number): Promise<void> {
  const honest = `${path}.honest.mkv`;
  await makeTestClip(honest, { seconds: real, width: 426, height: 240, fps: 10, audio: "none" });
  const mkv = `${path}.remux.mkv`;
  await execa("ffmpeg", ["-nostdin", "-v", "error", "-y", "-i", honest, "-c", "copy", "-f", "matroska", mkv]);
  const data = await readFile(mkv);
  // Info > Duration: element id 0x4489, size 8, a big-endian double in milliseconds.
  const at = data.indexOf(Buffer.from([0x44, 0x89, 0x88]));
  expect(data.readDoubleBE(at + 3)).toBeCloseTo(real * 1000, -2);
  data.writeDoubleBE(declared * 1000, at + 3);
  await writeFile(path, data);
}

it("refuses a container that declares 8 s and holds 40 s (limit 20 s) as SOURCE_TOO_LONG, from what is decoded", async () => {
  stack = await startPipelineStack({ SOURCE_MAX_DURATION_SECONDS: "20" });
  const s = stack;
  const lying = join(s.scratch, "lying.mkv");
  await makeLyingMkv(lying, 40, 8);
  await submitVideo(s, lying, "lying");

  const video = await waitForStatus(s, "lying");
  expect(video).toMatchObject({ status: "failed_encoding", errorCode: "SOURCE_TOO_LONG", attempts: 1 });
  expect(video.errorMessage).toMatch(/runs longer than 20 s \(its container declares 8\.0 s\)/);
  // The probe believed the container; the encoder's decode did not.
  expect(video.probe?.durationSeconds).toBe(8);
  expect(await listPrefix(s.s3.storage, "videos/lying/")).toEqual([]);
});
