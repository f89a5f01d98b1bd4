import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { makeTestClip } from "@aq/devkit";
import { startPipelineStack, submitVideo, waitForStatus, type PipelineStack } from "./harness.js";

let stack: PipelineStack;
let fakeBin: string;

beforeAll(async () => {
  // An ffprobe that hangs on a source (as on a hostile or half-written file) and answers anything else.
  fakeBin = await mkdtemp(join(tmpdir(), "aq-hanging-ffprobe-"));
  const realFfprobe = (await execa("sh", ["-c", "command -v ffprobe"])).stdout.trim();
  await writeFile(
    join(fakeBin, "ffprobe"),
    `#!/bin/sh\ncase " $* " in *" -show_streams "*) exec sleep 600 ;; esac\nexec ${realFfprobe} "$@"\n`,
  );
  await chmod(join(fakeBin, "ffprobe"), 0o755);
  stack = await startPipelineStack({ PROBE_TIMEOUT_SECONDS: "1", PATH: `${fakeBin}:${process.env.PATH ?? ""}` });
});

afterAll(async () => {
  await stack?.stop();
  await rm(fakeBin, { recursive: true, force: true });
});

it("stops ffprobe after PROBE_TIMEOUT_SECONDS and rejects the source with that limit in the message", async () => {
  const clip = join(stack.scratch, "clip.mp4");
  await makeTestClip(clip, { seconds: 6, width: 426, height: 240, fps: 25 });
  await submitVideo(stack, clip, "probe-hangs");
  const video = await waitForStatus(stack, "probe-hangs");
  expect(video.status).toBe("rejected");
  expect(video.errorCode).toBe("SOURCE_UNREADABLE");
  expect(video.errorMessage).toBe("ffprobe did not finish reading the source within 1 s");
});
