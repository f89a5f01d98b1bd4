import { copyFile, mkdir, mkdtemp, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultLadderConfig } from "@aq/config";
import { AqError } from "@aq/contracts";
import { makeTestClip } from "@aq/devkit";
import { normalizeSource } from "../src/normalize.js";
import { probeMedia } from "../src/probe.js";
import { checkDecodedSource, checkSourceFile, validateSource } from "../src/source-check.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aq-probe-test-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AqError) return error.code;
    throw error;
  }
  return "resolved";
}

describe("probeMedia", () => {
  it("reads display size after rotation, frame rates, audio and bit depth", async () => {
    const rotated = join(dir, "rotated.mp4");
    await makeTestClip(rotated, { seconds: 1, width: 320, height: 180, fps: 25, rotate: 90, audio: "5.1" });
    const info = await probeMedia(rotated);
    expect(info.container).toBe("mov,mp4,m4a,3gp,3g2,mj2");
    expect(info.durationSeconds).toBeCloseTo(1, 1);
    expect(info.video).toMatchObject({
      codec: "h264",
      width: 320,
      height: 180,
      displayWidth: 180,
      displayHeight: 320,
      rFrameRate: 25,
      avgFrameRate: 25,
      bitDepth: 8,
    });
    expect([90, 270]).toContain(info.video?.rotation);
    expect(info.audio).toMatchObject({ codec: "aac", channels: 6, sampleRate: 48000 });

    const deep = join(dir, "deep.mkv");
    await makeTestClip(deep, { seconds: 1, width: 320, height: 180, fps: 30, pixFmt: "yuv420p10le", audio: "none" });
    const deepInfo = await probeMedia(deep);
    expect(deepInfo.container).toBe("matroska,webm");
    expect(deepInfo.video).toMatchObject({ bitDepth: 10, pixFmt: "yuv420p10le", rotation: 0 });
    expect(deepInfo.audio).toBeNull();
  });

  it("treats a file name as a file, never as a protocol", async () => {
    const clip = join(dir, "http:clip.mp4");
    await makeTestClip(join(dir, "plain.mp4"), { seconds: 1, width: 160, height: 90, fps: 10 });
    await copyFile(join(dir, "plain.mp4"), clip);
    expect((await probeMedia(clip)).video?.width).toBe(160);
  });

  it("refuses what is not media, with a typed error", async () => {
    await writeFile(join(dir, "notes.mp4"), "just some text, not a video\n".repeat(100));
    expect(await codeOf(probeMedia(join(dir, "notes.mp4")))).toBe("SOURCE_NOT_MEDIA");
    expect(await codeOf(probeMedia(join(dir, "missing.mp4")))).toBe("SOURCE_NOT_FOUND");
  });
});

describe("validateSource on real files", () => {
  it("rejects an audio-only file and a 3 s clip", async () => {
    const audioOnly = join(dir, "audio-only.m4a");
    await execa("ffmpeg", ["-nostdin", "-v", "error", "-f", "lavfi", "-i", "sine=d=7", "-c:a", "aac", audioOnly]);
    const short = join(dir, "short.mp4");
    await makeTestClip(short, { seconds: 3, width: 1280, height: 720, fps: 30 });
    const validate = async (path: string) => validateSource(await probeMedia(path), defaultLadderConfig);
    expect(await codeOf(validate(audioOnly))).toBe("SOURCE_NO_VIDEO");
    expect(await codeOf(validate(short))).toBe("SOURCE_TOO_SHORT");
  });
});

describe("checkSourceFile", () => {
  it("gives missing, empty and non-file sources their own codes", async () => {
    await writeFile(join(dir, "empty.mp4"), "");
    await mkdir(join(dir, "folder.mp4"));
    expect(await codeOf(checkSourceFile(join(dir, "nothing.mp4")))).toBe("SOURCE_NOT_FOUND");
    expect(await codeOf(checkSourceFile(join(dir, "empty.mp4")))).toBe("SOURCE_EMPTY");
    expect(await codeOf(checkSourceFile(join(dir, "folder.mp4")))).toBe("SOURCE_UNREADABLE");
    await writeFile(join(dir, "ok.mp4"), "x");
    expect(await codeOf(checkSourceFile(join(dir, "ok.mp4")))).toBe("resolved");
  });
});

describe("input safety", () => {
  let canary: string;

  beforeAll(async () => {
    canary = join(dir, "canary.ts");
    await makeTestClip(canary, { seconds: 1, width: 160, height: 90, fps: 10 });
  });

  /** With relatime, reading a file whose atime is older than its mtime updates its atime. */
  async function armCanary(): Promise<number> {
    const now = new Date();
    await utimes(canary, new Date("2001-01-01T00:00:00Z"), now);
    return (await stat(canary)).atimeMs;
  }
  async function canaryRead(armedAt: number): Promise<boolean> {
    return (await stat(canary)).atimeMs !== armedAt;
  }

  const hlsPlaylist = (uri: string) => `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n${uri}\n#EXT-X-ENDLIST\n`;

  it.each([
    ["an HLS playlist", "playlist.mp4", hlsPlaylist("canary.ts")],
    ["an ffconcat list", "concat.mp4", "ffconcat version 1.0\nfile canary.ts\n"],
  ])("refuses %s renamed .mp4 without reading the file it names", async (_kind, name, text) => {
    const evil = join(dir, name);
    await writeFile(evil, text);
    const canaryInfo = await probeMedia(canary);

    // Control: plain ffprobe follows the reference, so the canary check can detect a read.
    let armed = await armCanary();
    await execa("ffprobe", ["-v", "error", "-show_format", evil], { reject: false });
    expect(await canaryRead(armed)).toBe(true);

    armed = await armCanary();
    const error = await probeMedia(evil).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AqError);
    expect((error as AqError).code).toBe("SOURCE_UNSUPPORTED_FORMAT");
    expect((error as AqError).message).toMatch(/not a video container AQ accepts/);

    // The encoder's own ffmpeg runs carry the same allow-list, even when handed the file directly.
    const normalize = normalizeSource({
      input: evil,
      output: join(dir, `${name}-normalized.mp4`),
      info: canaryInfo,
      logFile: join(dir, "safety.log"),
    });
    expect(await codeOf(normalize)).toBe("NORMALIZE_FAILED");
    expect(await canaryRead(armed)).toBe(false);
  });
});

describe("what is decoded, not what is declared", () => {
  it("refuses a stream whose decoder is not on AQ's list, naming the codec, and counts the frames really there", async () => {
    const avi = join(dir, "msmpeg4v2.avi");
    await execa("ffmpeg", [
      "-nostdin",
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      "testsrc2=size=320x240:rate=10:duration=2",
      "-c:v",
      "msmpeg4v2",
      avi,
    ]);
    // Control: ffmpeg itself would decode it.
    expect((await execa("ffprobe", ["-v", "error", "-show_streams", avi])).stdout).toContain("codec_name=msmpeg4v2");
    const error = await probeMedia(avi).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SOURCE_UNSUPPORTED_FORMAT", details: { codec: "msmpeg4v2" } });

    const clip = join(dir, "counted.mp4");
    await makeTestClip(clip, { seconds: 3, width: 320, height: 240, fps: 10, audio: "none" });
    expect((await probeMedia(clip)).video?.frameCount).toBeNull();
    expect((await probeMedia(clip, { countFrames: true })).video?.frameCount).toBe(30);
  });

  it("refuses a normalized source longer than the limit whatever was declared, and one with more pixels to decode than allowed", async () => {
    const clip = join(dir, "decoded.mp4");
    await makeTestClip(clip, { seconds: 6, width: 320, height: 240, fps: 10, audio: "none" });
    const info = await probeMedia(clip, { countFrames: true });
    const declared = { ...info, durationSeconds: 2 };
    expect(
      await codeOf(Promise.resolve().then(() => checkDecodedSource(info, declared, { ...defaultLadderConfig, maxDurationSeconds: 4 }))),
    ).toBe("SOURCE_TOO_LONG");
    // 320 x 240 x 60 frames = 4.6 megapixels.
    expect(
      await codeOf(Promise.resolve().then(() => checkDecodedSource(info, info, { ...defaultLadderConfig, maxDecodedPixels: 4e6 }))),
    ).toBe("SOURCE_TOO_LARGE");
    expect(
      await codeOf(Promise.resolve().then(() => checkDecodedSource(info, info, { ...defaultLadderConfig, maxDecodedPixels: 5e6 }))),
    ).toBe("resolved");
  });
});
