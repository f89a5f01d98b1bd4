import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getVideoHistory } from "@aq/platform/db";
import { makeTestClip, startServiceProcess, waitFor } from "@aq/devkit";
import { startPipelineStack, submitVideo, waitForStatus, type PipelineStack } from "./harness.js";

let stack: PipelineStack;
let clip: string;
let gate: string;

/**
 * An `ffmpeg` first on the services' PATH that holds every HLS encode at a gate until the test
 * opens it, leaving a marker per held encode. Without it, whichever instance asks first may take
 * every job of a short queue (JetStream owes no fairness between pull requests) and the test would
 * prove nothing about sharing: two encodes held at once, at one job per instance, are one on each.
 */
async function gatedFfmpeg(dir: string): Promise<string> {
  const real = execFileSync("sh", ["-c", "command -v ffmpeg"], { encoding: "utf8" }).trim();
  const bin = join(dir, "bin");
  await mkdir(join(dir, "held"), { recursive: true });
  await mkdir(bin, { recursive: true });
  await writeFile(
    join(bin, "ffmpeg"),
    `#!/bin/sh
case " $* " in
  *" -hls_segment_filename "*)
    touch "${dir}/held/$$"
    while [ ! -e "${dir}/open" ]; do sleep 0.05; done ;;
esac
exec "${real}" "$@"
`,
  );
  await chmod(join(bin, "ffmpeg"), 0o755);
  return bin;
}

beforeAll(async () => {
  gate = await mkdtemp(join(tmpdir(), "aq-gate-"));
  const bin = await gatedFfmpeg(gate);
  // Two encoder instances pulling from the one durable consumer, one job each at a time.
  stack = await startPipelineStack({ ENCODER_CONCURRENCY: "1", PATH: `${bin}:${process.env.PATH}` });
  const second = await startServiceProcess("encoder-service", stack.env, { logDir: join(stack.scratch, "logs"), instance: "b" });
  stack.services?.services.push(second);
  clip = join(stack.scratch, "clip.mp4");
  await makeTestClip(clip, { seconds: 6, width: 426, height: 240, fps: 25, audio: "stereo" });
});

afterAll(async () => {
  await writeFile(join(gate, "open"), "").catch(() => {});
  await stack?.stop();
  await rm(gate, { recursive: true, force: true });
});

it("shares the encode work between two encoder instances and encodes no video twice", async () => {
  const ids = ["scale-1", "scale-2", "scale-3", "scale-4"];
  for (const id of ids) await submitVideo(stack, clip, id);
  // Both instances hold an encode at once: with one job each, that is one encode on each.
  await waitFor(async () => (await readdir(join(gate, "held"))).length >= 2, {
    intervalMs: 50,
    timeoutMs: 120_000,
    message: "two encodes held at the gate",
  });
  expect((await readdir(join(gate, "held"))).length).toBe(2);
  await writeFile(join(gate, "open"), "");
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
