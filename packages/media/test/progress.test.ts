import { describe, expect, it } from "vitest";
import { peakSegmentBitrate } from "../src/hls-playlists.js";
import {
  createProgressParser,
  ffmpegStageProgress,
  stageProgress,
  throttleProgress,
  type EncodeProgress,
  type FfmpegProgress,
} from "../src/progress.js";

const SAMPLE = `frame=0
fps=0.00
stream_0_0_q=0.0
bitrate=N/A
total_size=N/A
out_time_us=N/A
out_time_ms=N/A
out_time=N/A
dup_frames=0
drop_frames=0
speed=N/A
progress=continue
frame=97
fps=46.69
stream_0_0_q=28.0
bitrate=N/A
out_time_us=3264000
out_time_ms=3264000
out_time=00:00:03.264000
speed=1.59x
progress=continue
frame=240
fps=35.46
out_time_us=8000000
speed=1.18x
progress=end
`;

describe("createProgressParser", () => {
  it("turns -progress blocks into numbers, N/A into null", () => {
    const blocks: FfmpegProgress[] = [];
    const feed = createProgressParser((p) => blocks.push(p));
    for (const line of SAMPLE.split("\n")) feed(line);
    expect(blocks).toEqual([
      { frame: 0, outTimeSeconds: null, fps: 0, speed: null, done: false },
      { frame: 97, outTimeSeconds: 3.264, fps: 46.69, speed: 1.59, done: false },
      { frame: 240, outTimeSeconds: 8, fps: 35.46, speed: 1.18, done: true },
    ]);
  });

  it("ignores lines that are not key=value", () => {
    const blocks: FfmpegProgress[] = [];
    const feed = createProgressParser((p) => blocks.push(p));
    feed("garbage");
    feed("=x");
    feed("out_time_us=-5000");
    feed("progress=continue");
    expect(blocks).toEqual([{ frame: null, outTimeSeconds: null, fps: null, speed: null, done: false }]);
  });
});

describe("stage progress", () => {
  it("maps ffmpeg time to a share of the whole job with an ETA from the speed", () => {
    const p = ffmpegStageProgress("encode", { frame: 300, outTimeSeconds: 10, fps: 30, speed: 2, done: false }, 20);
    expect(p).toEqual({ stage: "encode", percent: 51, stagePercent: 50, outTimeSeconds: 10, fps: 30, speed: 2, etaSeconds: 5 });
    expect(ffmpegStageProgress("normalize", { frame: null, outTimeSeconds: 20, fps: null, speed: null, done: true }, 20)).toMatchObject({
      percent: 5,
      stagePercent: 100,
      etaSeconds: null,
    });
    expect(stageProgress("verify", 100).percent).toBe(100);
  });

  it("never reports 100% before ffmpeg says it is done", () => {
    const p = ffmpegStageProgress("encode", { frame: 1, outTimeSeconds: 20.04, fps: 30, speed: 1, done: false }, 20);
    expect(p.stagePercent).toBeLessThan(100);
  });
});

describe("throttleProgress", () => {
  it("passes about one event per interval, and every stage's first and last", () => {
    let now = 0;
    const seen: EncodeProgress[] = [];
    const throttled = throttleProgress(
      (p) => seen.push(p),
      1000,
      () => now,
    );
    const at = (t: number, stage: EncodeProgress["stage"], percent: number) => {
      now = t;
      throttled(stageProgress(stage, percent));
    };
    at(0, "normalize", 0);
    at(100, "normalize", 50);
    at(200, "normalize", 100);
    at(300, "encode", 1);
    at(500, "encode", 10);
    at(1400, "encode", 20);
    at(1500, "encode", 30);
    at(1600, "encode", 100);
    expect(seen.map((p) => `${p.stage}:${p.stagePercent}`)).toEqual([
      "normalize:0",
      "normalize:100",
      "encode:1",
      "encode:20",
      "encode:100",
    ]);
  });
});

describe("peakSegmentBitrate", () => {
  const seg = (durationSeconds: number, kbits: number) => ({ uri: "x", durationSeconds, bytes: (kbits * 1000) / 8 });

  it("takes the busiest run of segments lasting 0.5-1.5 target durations", () => {
    expect(peakSegmentBitrate([seg(6, 6000), seg(6, 12000), seg(6, 6000)], 6)).toBe(2_000_000);
  });

  it("does not let a tiny last segment count alone", () => {
    // 0.04 s holding one 100 kbit keyframe would alone be 2.5 Mbit/s; it only counts with its neighbour.
    expect(peakSegmentBitrate([seg(6, 6000), seg(0.04, 100)], 6)).toBe(Math.ceil(6_100_000 / 6.04));
  });

  it("falls back to the average when no run is long enough", () => {
    expect(peakSegmentBitrate([seg(1, 1000), seg(1, 3000)], 6)).toBe(2_000_000);
  });
});
