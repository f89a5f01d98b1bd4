import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestClip } from "@aq/devkit";
import { firstChunkHeadSeconds } from "../../src/chunks/encode-chunk.js";
import { cutNormalizedHead, normalizedFileName, normalizeSource } from "../../src/normalize.js";
import { probeMedia } from "../../src/probe.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aq-head-test-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a chunk's ffmpeg gets out of a file (-copyts -start_at_zero, as encodeChunk reads): each decoded frame's time and checksum. */
async function decoded(file: string, stream: "v" | "a", seconds: number): Promise<string[]> {
  const { stdout } = await execa("ffmpeg", [
    ...["-hide_banner", "-nostdin", "-loglevel", "error", "-copyts", "-start_at_zero", "-t", String(seconds), "-i", file],
    ...["-map", `0:${stream}:0`, "-f", "framemd5", "-"],
  ]);
  return stdout.split("\n").filter((line) => line && !line.startsWith("#"));
}

describe("the normalized file's head", () => {
  // MPEG-TS starts its clock at 1.4 s, and B-frames put decode and display order apart: the two
  // things a cut could shift.
  it.each([
    ["an MP4 source", "mp4", []],
    ["an MPEG-TS source with B-frames", "ts", ["-c:v", "libx264", "-preset", "veryfast", "-bf", "3", "-c:a", "copy", "-f", "mpegts"]],
  ])(
    "decodes to the same frames and samples as the whole normalized file's start: %s",
    async (_, ext, remux) => {
      const clip = join(dir, `clip-${ext}.mp4`);
      await makeTestClip(clip, { seconds: 20, width: 320, height: 180, fps: 25, audio: "stereo" });
      const source = join(dir, `source.${ext}`);
      if (remux.length) await execa("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", clip, ...remux, source]);
      const input = remux.length ? source : clip;
      const info = await probeMedia(input);
      const normalized = join(dir, `${ext}-${normalizedFileName(info, "copy")}`);
      const logFile = join(dir, `${ext}.log`);
      await normalizeSource({ input, output: normalized, info, audio: "copy", logFile });
      const head = join(dir, `${ext}-head.mp4`);
      const firstChunk = { startSeconds: 0, durationSeconds: 12 };
      await cutNormalizedHead({ input: normalized, output: head, seconds: firstChunkHeadSeconds(firstChunk), logFile });

      // The first chunk reads 13 s of video and 12.5 s of audio.
      const [headInfo, wholeInfo] = await Promise.all([probeMedia(head), probeMedia(normalized)]);
      expect(headInfo.durationSeconds).toBeLessThan(wholeInfo.durationSeconds! - 5);
      for (const [stream, seconds] of [
        ["v", 13],
        ["a", 12.6],
      ] as const) {
        const fromHead = await decoded(head, stream, seconds);
        expect(fromHead.length).toBeGreaterThan(stream === "v" ? 13 * 25 - 2 : 500);
        expect(fromHead).toEqual(await decoded(normalized, stream, seconds));
      }
    },
    120_000,
  );
});
