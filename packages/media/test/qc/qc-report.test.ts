import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultLadderConfig, type LadderConfig } from "@aq/config";
import { makeTestClip, type TestClipOptions } from "@aq/devkit";
import { encodeVideo, type EncodedVideo } from "../../src/encode-video.js";
import { readSegmentSizes } from "../../src/hls-playlists.js";
import { keyframesAligned, sampleIndexes } from "../../src/qc/keyframes.js";
import { measureQc } from "../../src/qc/qc-report.js";

const ladder: LadderConfig = { ...defaultLadderConfig, allowSmallerSources: true, x264Preset: "superfast" };
const clips: Record<string, TestClipOptions> = {
  tone: { seconds: 13, width: 640, height: 360, fps: 30 },
  silent: { seconds: 7, width: 640, height: 360, fps: 30, audio: "silent" },
  mute: { seconds: 7, width: 640, height: 360, fps: 30, audio: "none" },
};

let dir: string;
const encoded: Record<string, EncodedVideo> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aq-qc-test-"));
  for (const [name, options] of Object.entries(clips)) {
    const source = join(dir, `${name}.mp4`);
    await makeTestClip(source, options);
    encoded[name] = await encodeVideo({ source, workDir: join(dir, name, "work"), outDir: join(dir, name, "out"), videoId: name, ladder });
  }
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const qcOf = (name: string) => {
  const e = encoded[name]!;
  return measureQc({ source: e.normalizedPath, info: e.info, outDir: e.outputDir, plan: e.plan, workDir: join(dir, name, "work") });
};

describe("measureQc", () => {
  it("reports each rendition's bit rates, duration and segments against the master and the source", async () => {
    const qc = await qcOf("tone");
    expect(qc.renditions.map((r) => r.name)).toEqual(["240p", "360p"]);
    for (const r of qc.renditions) {
      expect(r.peakBitrate).toBeLessThanOrEqual(r.declaredBandwidth);
      expect(r.averageBitrate).toBeGreaterThan(0);
      expect(r.averageBitrate).toBeLessThanOrEqual(r.peakBitrate);
      expect(r.durationSeconds).toBeCloseTo(13, 0);
      expect(r.segmentCount).toBe(3);
      expect(r.longestSegmentSeconds).toBeCloseTo(6, 1);
    }
    expect(qc.sourceDurationSeconds).toBeCloseTo(13, 0);
    expect(qc.keyframesAligned).toBe(true);
    expect(qc.warnings).toEqual([]);
  });

  it("compares one segment of the top rendition with the source", async () => {
    const { qualitySample } = await qcOf("tone");
    expect(qualitySample).toMatchObject({ rendition: "360p", startSeconds: 0, seconds: 6 });
    expect(qualitySample!.ssimY).toBeGreaterThan(0.8);
    expect(qualitySample!.ssimY).toBeLessThanOrEqual(1);
    expect(qualitySample!.psnrY).toBeGreaterThan(25);
  });

  it("measures loudness: two sines at half scale are about -6.7 LUFS, their true peak at least the sines' -6 dBFS", async () => {
    const { audio } = await qcOf("tone");
    expect(audio!.silent).toBe(false);
    expect(audio!.integratedLufs).toBeGreaterThan(-9);
    expect(audio!.integratedLufs).toBeLessThan(-4.5);
    // AAC's pre-echo at the tone's start adds a few dB of overshoot above the sines' peak.
    expect(audio!.truePeakDbtp).toBeGreaterThanOrEqual(-6.5);
    expect(audio!.truePeakDbtp).toBeLessThanOrEqual(0);
  });

  it("warns about a silent audio track and about a video without audio, without failing", async () => {
    const silent = await qcOf("silent");
    expect(silent.audio).toMatchObject({ silent: true, integratedLufs: null });
    expect(silent.warnings).toContain("the audio track is silent");
    const mute = await qcOf("mute");
    expect(mute.audio).toBeNull();
    expect(mute.warnings).toContain("the video has no audio track");
  });
});

describe("keyframesAligned", () => {
  it("finds segment starts that differ between renditions", async () => {
    const e = encoded.tone!;
    const sizes = await Promise.all(e.plan.map((r) => readSegmentSizes(e.outputDir, r)));
    const renditions = e.plan.map((r, i) => ({ name: r.name, segments: sizes[i]!.segments }));
    expect(await keyframesAligned(e.outputDir, renditions)).toBe(true);
    // 240p's segments one place later: the same rendition count, starts 6 s apart.
    const shifted = [{ ...renditions[0]!, segments: [...renditions[0]!.segments.slice(1), renditions[0]!.segments[0]!] }, renditions[1]!];
    expect(await keyframesAligned(e.outputDir, shifted)).toBe(false);
  });

  it("samples the first, the last and evenly spread segments", () => {
    expect(sampleIndexes(3, 12)).toEqual([0, 1, 2]);
    expect(sampleIndexes(100, 4)).toEqual([0, 33, 66, 99]);
  });
});
