import { execa } from "execa";
import { join } from "node:path";
import { once } from "node:events";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listPrefix, getObjectStream } from "@aq/platform/storage";
import { makeTestClip, startServiceProcess, waitFor, type RunningService } from "@aq/devkit";
import { encodeUnderway, startPipelineStack, submitVideo, VIDEO_OUTPUT_KEY, waitForStatus, type PipelineStack } from "./harness.js";

let stack: PipelineStack;
let clip: string;

beforeAll(async () => {
  // A short ack wait so that work held by a dead encoder comes back quickly, and a lease that
  // has expired by the time it does.
  stack = await startPipelineStack({
    ENCODER_CONCURRENCY: "1",
    NATS_ACK_WAIT_SECONDS: "4",
    WORK_LEASE_SECONDS: "2",
    SHUTDOWN_TIMEOUT_SECONDS: "8",
  });
  clip = join(stack.scratch, "long.mp4");
  await makeTestClip(clip, { seconds: 24, width: 640, height: 360, fps: 25, audio: "stereo" });
});

afterAll(async () => {
  await stack?.stop();
});

function encoder(): RunningService {
  const found = stack.services?.services.find(
    (s) => s.name === "encoder-service" && s.child.exitCode === null && s.child.signalCode === null,
  );
  if (!found) throw new Error("no running encoder");
  return found;
}

async function startEncoder(instance: string): Promise<RunningService> {
  const started = await startServiceProcess("encoder-service", stack.env, { logDir: join(stack.scratch, "logs"), instance });
  stack.services?.services.push(started);
  return started;
}

/** ffmpeg processes working in this stack's WORK_DIR. */
async function ffmpegsInWorkDir(): Promise<string[]> {
  const { stdout } = await execa("ps", ["-eo", "pid=,args="]);
  return stdout.split("\n").filter((line) => line.includes("ffmpeg") && line.includes(stack.workDir));
}

/** Every key is in the guide's layout (docs/encoding-guide.md §2), and every rendition has exactly the segments its playlist lists. */
async function expectOneCleanCopy(videoId: string): Promise<void> {
  const prefix = `videos/${videoId}/`;
  const keys = (await listPrefix(stack.s3.storage, prefix)).map((o) => o.key.slice(prefix.length));
  expect(keys.filter((k) => !VIDEO_OUTPUT_KEY.test(k))).toEqual([]);
  for (const playlist of keys.filter((k) => /^\d+p\.m3u8$/.test(k))) {
    const object = await getObjectStream(stack.s3.storage, prefix + playlist);
    const text = Buffer.concat(await object!.body.toArray()).toString("utf8");
    const listed = text
      .split("\n")
      .filter((l) => l.startsWith("segments/"))
      .sort();
    const stored = keys.filter((k) => k.startsWith(`segments/${playlist.replace(".m3u8", "")}_`)).sort();
    expect(stored).toEqual(listed);
  }
}

it("redelivers the work of an encoder killed with SIGKILL mid-encode; no orphaned ffmpeg, one clean copy", async () => {
  await submitVideo(stack, clip, "killed");
  await encodeUnderway(stack, "killed");
  expect((await ffmpegsInWorkDir()).length).toBeGreaterThan(0);

  const victim = encoder();
  victim.child.kill("SIGKILL");
  await once(victim.child, "exit");
  await waitFor(async () => (await ffmpegsInWorkDir()).length === 0, { timeoutMs: 5000, message: "the killed encoder's ffmpeg to die" });

  await startEncoder("after-kill");
  const video = await waitForStatus(stack, "killed");
  expect(video.status).toBe("ready");
  // The killed attempt counts: the guide's retry-once budget (docs/encoding-guide.md §10) is spent on the second.
  expect(video.attempts).toBe(2);
  await expectOneCleanCopy("killed");
});

it("hands back or finishes the work of an encoder stopped with SIGTERM, within its shutdown bound", async () => {
  await submitVideo(stack, clip, "terminated");
  await encodeUnderway(stack, "terminated");

  const stopping = encoder();
  stopping.child.kill("SIGTERM");
  const [code] = (await once(stopping.child, "exit")) as [number | null];
  // runService exits 1 when stop() overruns SHUTDOWN_TIMEOUT_SECONDS.
  expect(code).toBe(0);
  expect(await ffmpegsInWorkDir()).toEqual([]);

  await startEncoder("after-term");
  const video = await waitForStatus(stack, "terminated");
  expect(video.status).toBe("ready");
  // A graceful stop gives its attempt back.
  expect(video.attempts).toBe(1);
  await expectOneCleanCopy("terminated");
});
