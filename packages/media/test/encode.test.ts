import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { parse, type types } from "hls-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultLadderConfig, type LadderConfig } from "@aq/config";
import { makeTestClip, type TestClipOptions } from "@aq/devkit";
import { canToneMap } from "../src/ffmpeg-capabilities.js";
import { encodeVideo, type EncodedVideo } from "../src/encode-video.js";
import { planLadder } from "../src/ladder.js";
import { probeMedia } from "../src/probe.js";
import type { EncodeProgress } from "../src/progress.js";
import { expectAlignedSegments, expectExactLayout, mediaPlaylist, streamsOf } from "./hls-assertions.js";

/** Small sources are allowed so most clips are 360p and encode to two renditions quickly. */
const smallLadder: LadderConfig = { ...defaultLadderConfig, allowSmallerSources: true, x264Preset: "superfast" };

const clips: Record<string, TestClipOptions> = {
  full720p30: { seconds: 7, width: 1280, height: 720, fps: 30 },
  fps24: { seconds: 7, width: 640, height: 360, fps: 24 },
  fps25noisy: { seconds: 7, width: 640, height: 360, fps: 25, noise: 60 },
  fps60: { seconds: 7, width: 640, height: 360, fps: 60 },
  portrait: { seconds: 7, width: 640, height: 360, fps: 30, rotate: 90 },
  noAudio: { seconds: 7, width: 640, height: 360, fps: 30, audio: "none" },
  surround: { seconds: 7, width: 640, height: 360, fps: 30, audio: "5.1" },
  tenBit422: { seconds: 7, width: 640, height: 360, fps: 30, pixFmt: "yuv422p10le" },
  hdr: { seconds: 7, width: 640, height: 360, fps: 30, hdr: true },
  twoTracks: { seconds: 7, width: 640, height: 360, fps: 30, audioTracks: 2 },
  odd444: { seconds: 7, width: 641, height: 361, fps: 30, pixFmt: "yuv444p" },
};

let dir: string;
const paths: Record<string, string> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aq-encode-test-"));
  for (const [name, options] of Object.entries(clips)) {
    paths[name] = join(dir, `${name}.mp4`);
    await makeTestClip(paths[name], options);
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function encode(name: string, ladder = smallLadder, onProgress?: (p: EncodeProgress) => void): Promise<EncodedVideo> {
  const result = await encodeVideo({
    source: paths[name]!,
    workDir: join(dir, "work", name),
    outDir: join(dir, "out", name),
    videoId: name,
    ladder,
    onProgress,
  });
  await expectExactLayout(result.outputDir, result.plan);
  await expectAlignedSegments(result.outputDir, result.plan);
  return result;
}

async function master(result: EncodedVideo): Promise<types.MasterPlaylist> {
  const text = await readFile(result.masterPath, "utf8");
  const playlist = parse(text);
  if (!playlist.isMasterPlaylist) throw new Error("not a master playlist");
  return playlist;
}

function segmentOf(result: EncodedVideo, rendition: string, index = 0): string {
  return join(result.outputDir, "segments", `${rendition}_${String(index).padStart(3, "0")}.ts`);
}

describe("encodeVideo", () => {
  it("encodes a 720p30 source to the full 240p-720p ladder with a measured master playlist", async () => {
    const events: EncodeProgress[] = [];
    const result = await encode("full720p30", { ...defaultLadderConfig, x264Preset: "superfast" }, (p) => events.push(p));
    expect(result.plan.map((r) => `${r.name}:${r.width}x${r.height}`)).toEqual([
      "240p:426x240",
      "360p:640x360",
      "480p:854x480",
      "720p:1280x720",
    ]);

    const text = await readFile(result.masterPath, "utf8");
    expect(text).toContain("#EXT-X-INDEPENDENT-SEGMENTS");
    const m = await master(result);
    // A middle rung first: players start with the first variant listed.
    expect(m.variants.map((v) => v.uri)).toEqual(["480p.m3u8", "240p.m3u8", "360p.m3u8", "720p.m3u8"]);
    for (const v of m.variants) {
      expect(v.codecs).toMatch(/^avc1\.4d40[0-9a-f]{2},mp4a\.40\.2$/);
      expect(v.frameRate).toBe(30);
      expect(v.averageBandwidth).toBeGreaterThan(0);
      expect(v.bandwidth).toBeGreaterThanOrEqual(v.averageBandwidth!);
    }
    expect(result.renditions).toEqual(
      result.plan
        .map(({ name }) => m.variants.find((v) => v.uri === `${name}.m3u8`)!)
        .map((v, i) => ({
          name: result.plan[i]!.name,
          width: v.resolution!.width,
          height: v.resolution!.height,
          bandwidth: v.bandwidth,
          averageBandwidth: v.averageBandwidth,
        })),
    );

    const streams = await streamsOf(segmentOf(result, "720p"));
    expect(streams.find((s) => s.codec_type === "video")).toMatchObject({ width: 1280, height: 720, pix_fmt: "yuv420p", profile: "Main" });
    expect(streams.filter((s) => s.codec_type === "audio")).toEqual([expect.objectContaining({ channels: 2, sample_rate: "48000" })]);

    expect(events.map((e) => e.stage)).toEqual(expect.arrayContaining(["normalize", "encode", "verify"]));
    expect(events.at(-1)).toMatchObject({ stage: "verify", percent: 100 });
    const percents = events.map((e) => e.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });

  it.each(["fps24", "fps60"])("keeps the source frame rate (%s) with keyframes every 2 s", async (name) => {
    const result = await encode(name);
    const fps = clips[name]!.fps;
    expect(result.plan.map((r) => r.name)).toEqual(["240p", "360p"]);
    expect(result.plan[0]).toMatchObject({ frameRateValue: fps, gopFrames: fps * 2 });
    expect((await master(result)).variants[0]!.frameRate).toBe(fps);
  });

  it("caps the bitrate of a hard-to-compress 25 fps source", async () => {
    const result = await encode("fps25noisy");
    for (const r of result.plan) {
      const measured = result.renditions.find((x) => x.name === r.name)!;
      // maxrate + audio, plus MPEG-TS packet overhead (about 5-10% at these rates).
      const cap = (r.maxrateKbps + r.audioBitrateKbps) * 1000 * 1.15;
      expect(measured.bandwidth).toBeLessThanOrEqual(cap);
      // The source really needs more than the target: without the cap x264 would overshoot.
      expect(measured.averageBandwidth!).toBeGreaterThan(r.videoBitrateKbps * 1000 * 0.8);
    }
  });

  it("turns a landscape recording with a 90° rotation tag into portrait renditions", async () => {
    const result = await encode("portrait");
    expect(result.info.video).toMatchObject({ width: 640, height: 360, displayWidth: 360, displayHeight: 640 });
    expect(result.plan.map((r) => `${r.name}:${r.width}x${r.height}`)).toEqual(["240p:240x426", "360p:360x640"]);
    const video = (await streamsOf(segmentOf(result, "360p"))).find((s) => s.codec_type === "video");
    expect(video).toMatchObject({ width: 360, height: 640 });
  });

  it("encodes a source without audio to video-only renditions", async () => {
    const result = await encode("noAudio");
    const streams = await streamsOf(segmentOf(result, "240p"));
    expect(streams.map((s) => s.codec_type)).toEqual(["video"]);
    for (const v of (await master(result)).variants) expect(v.codecs).toMatch(/^avc1\.[0-9a-f]{6}$/);
  });

  it("downmixes 5.1 audio to stereo AAC 48 kHz", async () => {
    const result = await encode("surround");
    expect(result.info.audio).toMatchObject({ channels: 6 });
    for (const r of result.plan) {
      const audio = (await streamsOf(segmentOf(result, r.name))).filter((s) => s.codec_type === "audio");
      expect(audio).toEqual([expect.objectContaining({ codec_name: "aac", channels: 2, sample_rate: "48000" })]);
    }
  });

  it("converts 10-bit 4:2:2 input to 8-bit 4:2:0 main profile", async () => {
    const result = await encode("tenBit422");
    expect(result.info.video).toMatchObject({ bitDepth: 10, pixFmt: "yuv422p10le" });
    const video = (await streamsOf(segmentOf(result, "360p"))).find((s) => s.codec_type === "video");
    expect(video).toMatchObject({ pix_fmt: "yuv420p", profile: "Main" });
  });

  it("converts odd-sized 4:4:4 input to even-sized 4:2:0", async () => {
    const result = await encode("odd444");
    expect(result.plan.map((r) => `${r.width}x${r.height}`)).toEqual(["426x240", "640x360"]);
    const video = (await streamsOf(segmentOf(result, "360p"))).find((s) => s.codec_type === "video");
    expect(video).toMatchObject({ pix_fmt: "yuv420p", profile: "Main" });
  });

  it("tone-maps an HDR (PQ) source to SDR BT.709", async () => {
    expect(await canToneMap()).toBe(true);
    const result = await encode("hdr");
    expect(result.info.video?.hdr).toBe("pq");
    expect(result.warnings).toEqual([]);
    const video = (await streamsOf(segmentOf(result, "360p"))).find((s) => s.codec_type === "video");
    expect(video).toMatchObject({ pix_fmt: "yuv420p", color_transfer: "bt709", color_primaries: "bt709" });
  });

  it("encodes only the first audio track, once in every rendition", async () => {
    const result = await encode("twoTracks");
    expect(result.info.audioTrackCount).toBe(2);
    for (const r of result.plan) {
      const file = segmentOf(result, r.name);
      expect((await streamsOf(file)).filter((s) => s.codec_type === "audio")).toHaveLength(1);
      // The first track is a tone, the second silence: a loud track means the first was taken.
      const { stderr } = await execa("ffmpeg", [
        "-hide_banner",
        "-nostdin",
        "-i",
        file,
        "-map",
        "0:a",
        "-af",
        "volumedetect",
        "-f",
        "null",
        "-",
      ]);
      const mean = Number(/mean_volume: (-?[\d.]+) dB/.exec(stderr)?.[1]);
      expect(mean).toBeGreaterThan(-30);
    }
  });

  it("encodes the stored plan it is given (the probe stage's), not one of its own ladder settings", async () => {
    const info = await probeMedia(paths.fps24!);
    // Its own settings would plan 240p and 360p; the stored verdict holds 240p alone.
    expect(planLadder(info, smallLadder).map((r) => r.name)).toEqual(["240p", "360p"]);
    const stored = { info, plan: planLadder(info, smallLadder).slice(0, 1) };
    const result = await encodeVideo({
      source: paths.fps24!,
      workDir: join(dir, "work", "stored-plan"),
      outDir: join(dir, "out", "stored-plan"),
      videoId: "stored-plan",
      ladder: smallLadder,
      planned: stored,
    });
    expect(result.info).toBe(stored.info);
    expect(result.plan).toEqual(stored.plan);
    expect(result.renditions.map((r) => r.name)).toEqual(["240p"]);
    expect((await master(result)).variants.map((v) => v.uri)).toEqual(["240p.m3u8"]);
    await expectExactLayout(result.outputDir, stored.plan);
  });

  it("re-encodes into the same folder when a job is retried", async () => {
    const first = await encode("fps24");
    const playlist = await mediaPlaylist(first.outputDir, "240p");
    const again = await encode("fps24");
    expect(again.files).toEqual(first.files);
    expect((await mediaPlaylist(again.outputDir, "240p")).segments.length).toBe(playlist.segments.length);
  });
});
