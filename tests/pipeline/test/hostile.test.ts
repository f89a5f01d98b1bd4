import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { listPrefix, uploadFile, uploadKey } from "@aq/platform/storage";
import { insertVideo } from "@aq/platform/db";
import { makeTestClip, waitFor } from "@aq/devkit";
import { startPipelineStack, submitVideo, waitForStatus, type PipelineStack } from "./harness.js";

let stack: PipelineStack;
let canaryServer: Server;
let canaryUrl: string;
const canaryRequests: string[] = [];
let canaryFile: string;
const inputs: Record<string, string> = {};

async function ffmpeg(args: string[]): Promise<void> {
  await execa("ffmpeg", ["-nostdin", "-v", "error", "-y", ...args]);
}

beforeAll(async () => {
  // The default policy: sources must be at least 720p.
  stack = await startPipelineStack({ LADDER_ALLOW_SMALLER_SOURCES: "false" });
  canaryServer = createServer((req, res) => {
    canaryRequests.push(req.url ?? "");
    res.end();
  });
  canaryServer.listen(0, "127.0.0.1");
  await once(canaryServer, "listening");
  const address = canaryServer.address();
  canaryUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;

  const dir = stack.scratch;
  // A perfectly good 720p video: if ffmpeg ever followed a reference to it, the probe would pass.
  canaryFile = join(dir, "canary.ts");
  await makeTestClip(canaryFile, { seconds: 8, width: 1280, height: 720, fps: 25 });

  inputs.empty = join(dir, "empty.mp4");
  await writeFile(inputs.empty, "");
  inputs.text = join(dir, "text.mp4");
  await writeFile(inputs.text, "this is not a video, just some text that claims to be one\n".repeat(50));
  inputs.image = join(dir, "image.mp4");
  await ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=1280x720", "-frames:v", "1", "-f", "image2", "-c:v", "png", inputs.image]);
  inputs.audioOnly = join(dir, "audio.mp4");
  await ffmpeg(["-f", "lavfi", "-i", "sine=duration=8", "-c:a", "aac", "-f", "mp4", inputs.audioOnly]);
  inputs.noMoov = join(dir, "no-moov.mp4");
  await makeTestClip(`${inputs.noMoov}.whole.mp4`, { seconds: 8, width: 1280, height: 720, fps: 25 });
  // Without faststart the index comes last: cutting the end loses it.
  const whole = await execa("stat", ["-c", "%s", `${inputs.noMoov}.whole.mp4`]);
  await execa("head", ["-c", String(Math.floor(Number(whole.stdout) * 0.6)), `${inputs.noMoov}.whole.mp4`], {
    stdout: { file: inputs.noMoov },
  });
  inputs.short = join(dir, "short.mp4");
  await makeTestClip(inputs.short, { seconds: 3, width: 1280, height: 720, fps: 25 });
  inputs.small = join(dir, "small.mp4");
  await makeTestClip(inputs.small, { seconds: 6, width: 640, height: 360, fps: 25 });
  // Garbage over the middle third of the media data: the index is intact, the frames are not.
  inputs.corruptMiddle = join(dir, "corrupt-middle.mp4");
  await makeTestClip(inputs.corruptMiddle, { seconds: 6, width: 1280, height: 720, fps: 25 });
  const size = Number((await execa("stat", ["-c", "%s", inputs.corruptMiddle])).stdout);
  const garbage = Buffer.alloc(Math.floor(size / 3), 0x5a);
  const handle = await open(inputs.corruptMiddle, "r+");
  await handle.write(garbage, 0, garbage.length, Math.floor(size / 3));
  await handle.close();
  inputs.hls = join(dir, "playlist.mp4");
  await writeFile(
    inputs.hls,
    `#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:8\n#EXTINF:8.0,\nfile://${canaryFile}\n#EXTINF:8.0,\n${canaryUrl}/hls.ts\n#EXT-X-ENDLIST\n`,
  );
  inputs.concat = join(dir, "concat.mp4");
  await writeFile(inputs.concat, `ffconcat version 1.0\nfile '${canaryFile}'\nfile '${canaryUrl}/concat.ts'\n`);
});

afterAll(async () => {
  canaryServer?.close();
  await stack?.stop();
});

const cases: Array<[string, string, RegExp]> = [
  ["empty", "SOURCE_EMPTY", /empty/],
  ["text", "SOURCE_NOT_MEDIA", /not a video file/],
  ["image", "SOURCE_", /./],
  ["audioOnly", "SOURCE_NO_VIDEO", /no video stream/],
  ["noMoov", "SOURCE_NOT_MEDIA", /./],
  ["short", "SOURCE_TOO_SHORT", /3\.0 s long; AQ needs more than 5 s/],
  ["small", "SOURCE_TOO_SMALL", /360/],
  ["hls", "SOURCE_", /./],
  ["concat", "SOURCE_", /./],
];

it("rejects every hostile or broken input with a typed code, touching nothing it was pointed at", async () => {
  for (const [name] of cases) await submitVideo(stack, inputs[name]!, `hostile-${name.toLowerCase()}`);
  await submitVideo(stack, canaryFile, "control");

  for (const [name, code, message] of cases) {
    const video = await waitForStatus(stack, `hostile-${name.toLowerCase()}`);
    expect({ name, status: video.status }).toEqual({ name, status: "rejected" });
    expect(video.errorCode?.startsWith(code), `${name}: ${video.errorCode}`).toBe(true);
    expect(video.errorMessage).toMatch(message);
  }
  // The queue was never blocked: a good video submitted after all of them is ready.
  expect((await waitForStatus(stack, "control")).status).toBe("ready");
  // The playlist and the concat list pointed at a local file and at a loopback listener.
  expect(canaryRequests).toEqual([]);
  // Rejected uploads are deleted: they would only cost storage.
  for (const [name] of cases) expect(await listPrefix(stack.s3.storage, `uploads/hostile-${name.toLowerCase()}/`)).toEqual([]);
});

it("keeps a hostile upload file name inside the video's own upload prefix", async () => {
  const key = uploadKey("named", `../../etc/passwd"; rm -rf $(id) \`x\`.mp4`);
  expect(key.startsWith("uploads/named/")).toBe(true);
  expect(key.slice("uploads/named/".length)).not.toMatch(/[/"$`;\s]|^\.\./);
  await uploadFile(stack.s3.storage, canaryFile, key);
  await insertVideo(stack.db, { id: "named", status: "uploaded", sourceKind: "upload", sourceLocation: key });
  expect((await waitForStatus(stack, "named")).status).toBe("ready");
  // The uploader deletes the original after it records READY, so this waits for it rather than racing it.
  await waitFor(async () => (await listPrefix(stack.s3.storage, "uploads/")).length === 0, {
    message: "the hostile-named upload to be deleted after READY",
  });
});

it("encodes a video whose middle is corrupt as far as ffmpeg can conceal it, and harms nothing else", async () => {
  await submitVideo(stack, inputs.corruptMiddle!, "corrupt-middle");
  const video = await waitForStatus(stack, "corrupt-middle");
  // Measured: ffmpeg conceals the damaged frames and the output still covers the source, so
  // this is a playable (if damaged-looking) video rather than a failure.
  expect(video.status).toBe("ready");
  expect(video.renditions?.map((r) => r.name)).toEqual(["240p", "360p", "480p", "720p"]);
});
