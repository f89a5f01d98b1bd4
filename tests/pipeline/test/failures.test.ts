import { open, stat } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getVideoHistory } from "@aq/platform/db";
import { headObject, listPrefix } from "@aq/platform/storage";
import { makeTestClip } from "@aq/devkit";
import { startPipelineStack, submitVideo, waitForStatus, type PipelineStack } from "./harness.js";

let stack: PipelineStack;
let damaged: string;
let good: string;

/**
 * A source that passes the probe but cannot be encoded: its index (moov, at the front) says
 * 8 s, but the media data stops halfway, as an interrupted upload or copy leaves it.
 */
async function makeTruncatedClip(path: string): Promise<void> {
  const whole = `${path}.whole.mp4`;
  await makeTestClip(whole, { seconds: 8, width: 426, height: 240, fps: 25, audio: "stereo" });
  await execa("ffmpeg", ["-nostdin", "-v", "error", "-y", "-i", whole, "-c", "copy", "-movflags", "+faststart", path]);
  const handle = await open(path, "r+");
  await handle.truncate(Math.floor((await stat(path)).size / 2));
  await handle.close();
}

beforeAll(async () => {
  stack = await startPipelineStack({ ENCODER_CONCURRENCY: "1" });
  damaged = join(stack.scratch, "damaged.mp4");
  good = join(stack.scratch, "good.mp4");
  await Promise.all([makeTruncatedClip(damaged), makeTestClip(good, { seconds: 6, width: 426, height: 240, fps: 25 })]);
});

afterAll(async () => {
  await stack?.stop();
});

it("fails an encode that fails twice with its code, a one-line message and kept logs, and the queue goes on", async () => {
  await submitVideo(stack, damaged, "damaged");
  await submitVideo(stack, good, "after-damaged");

  const failed = await waitForStatus(stack, "damaged");
  expect(failed.status).toBe("failed_encoding");
  expect(failed.errorCode).toBe("ENCODE_INCOMPLETE");
  expect(failed.attempts).toBe(2);
  expect(failed.errorMessage).toMatch(/of the 8(\.0)? s source/);
  // One sentence: the ffmpeg log stays in the bucket, not in the message.
  expect(failed.errorMessage).not.toContain("\n");
  // The log of each attempt is kept where an operator can read it.
  expect(failed.logLocation).toBe("logs/damaged/encode-attempt-2.log");
  const logs = (await listPrefix(stack.s3.storage, "logs/damaged/")).map((o) => o.key).sort();
  expect(logs).toEqual(["logs/damaged/encode-attempt-1.log", "logs/damaged/encode-attempt-2.log"]);
  expect((await headObject(stack.s3.storage, "logs/damaged/encode-attempt-2.log"))?.size).toBeGreaterThan(0);
  const history = (await getVideoHistory(stack.db, "damaged")).map((h) => h.toStatus);
  expect(history.slice(-2)).toEqual(["encoding", "failed_encoding"]);

  expect((await waitForStatus(stack, "after-damaged")).status).toBe("ready");
});
