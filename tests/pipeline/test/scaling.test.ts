import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getVideoHistory } from "@aq/platform/db";
import { makeTestClip, startServiceProcess, waitFor } from "@aq/devkit";
import { encodeGate, startPipelineStack, submitVideo, waitForStatus, type EncodeGate, type PipelineStack } from "./harness.js";

let stack: PipelineStack;
let clip: string;
/**
 * Encodes held at a gate until two run at once: without it, whichever instance asks first may take
 * every job of a short queue (JetStream owes no fairness between pull requests) and the test would
 * prove nothing about sharing; two encodes held at once, at one job per instance, are one on each.
 */
let gate: EncodeGate;

beforeAll(async () => {
  gate = await encodeGate();
  // Two encoder instances pulling from the one durable consumer, one job each at a time.
  stack = await startPipelineStack({ ENCODER_CONCURRENCY: "1", PATH: gate.path });
  const second = await startServiceProcess("encoder-service", stack.env, { logDir: join(stack.scratch, "logs"), instance: "b" });
  stack.services?.services.push(second);
  clip = join(stack.scratch, "clip.mp4");
  await makeTestClip(clip, { seconds: 6, width: 426, height: 240, fps: 25, audio: "stereo" });
});

afterAll(async () => {
  await gate?.open();
  await stack?.stop();
  await gate?.remove();
});

it("shares the encode work between two encoder instances and encodes no video twice", async () => {
  const ids = ["scale-1", "scale-2", "scale-3", "scale-4"];
  for (const id of ids) await submitVideo(stack, clip, id);
  // Both instances hold an encode at once: with one job each, that is one encode on each.
  await waitFor(async () => (await gate.arrived()) >= 2, {
    intervalMs: 50,
    timeoutMs: 120_000,
    message: "two encodes held at the gate",
  });
  expect(await gate.arrived()).toBe(2);
  await gate.open();
  for (const id of ids) expect((await waitForStatus(stack, id)).status).toBe("ready");

  for (const id of ids) {
    const encodes = (await getVideoHistory(stack.db, id)).filter((h) => h.toStatus === "encoded");
    expect(encodes).toHaveLength(1);
  }
  // Each instance's log names the videos it encoded: together all four, each exactly once.
  const encodedBy = await Promise.all(
    (stack.services?.services ?? [])
      .filter((s) => s.name === "encoder-service")
      .map(async (s) =>
        (await readFile(s.logFile, "utf8"))
          .split("\n")
          .filter((line) => line.includes('"encode: verified and staged"'))
          .map((line) => (JSON.parse(line) as { videoId: string }).videoId),
      ),
  );
  expect(encodedBy).toHaveLength(2);
  expect(encodedBy.every((videos) => videos.length > 0)).toBe(true);
  expect(encodedBy.flat().sort()).toEqual(ids);
});
