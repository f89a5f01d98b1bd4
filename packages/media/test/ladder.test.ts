import { describe, expect, it } from "vitest";
import { defaultLadderConfig, type LadderConfig } from "@aq/config";
import { AqError } from "@aq/contracts";
import { encodeTimeoutMs } from "../src/encode-video.js";
import { chooseFrameRate } from "../src/frame-rate.js";
import { planLadder } from "../src/ladder.js";
import type { MediaInfo } from "../src/media-info.js";
import { parseProbeJson } from "../src/probe.js";
import { validateSource } from "../src/source-check.js";

interface Source {
  width: number;
  height: number;
  rotation?: number;
  sar?: string;
  fps?: string;
  avgFps?: string;
  duration?: number;
  audio?: boolean;
}

/** MediaInfo through the real ffprobe JSON parser, from the fields ffprobe would report. */
function source(s: Source): MediaInfo {
  return parseProbeJson("/src.mp4", {
    format: { format_name: "mov,mp4,m4a,3gp,3g2,mj2", duration: String(s.duration ?? 30), size: "1000" },
    streams: [
      {
        index: 0,
        codec_type: "video",
        codec_name: "h264",
        width: s.width,
        height: s.height,
        sample_aspect_ratio: s.sar ?? "1:1",
        r_frame_rate: s.fps ?? "30/1",
        avg_frame_rate: s.avgFps ?? s.fps ?? "30/1",
        pix_fmt: "yuv420p",
        disposition: { default: 1 },
        ...(s.rotation === undefined ? {} : { side_data_list: [{ side_data_type: "Display Matrix", rotation: s.rotation }] }),
      },
      ...(s.audio === false
        ? []
        : [{ index: 1, codec_type: "audio", codec_name: "aac", channels: 2, sample_rate: "48000", disposition: { default: 1 } }]),
    ],
  });
}

const strict = defaultLadderConfig;
const lenient: LadderConfig = { ...defaultLadderConfig, allowSmallerSources: true };
const sizes = (info: MediaInfo, ladder: LadderConfig = strict) => planLadder(info, ladder).map((r) => `${r.name}:${r.width}x${r.height}`);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof AqError) return error.code;
    throw error;
  }
  return undefined;
}

describe("planLadder", () => {
  it("gives a 1080p landscape source the guide's four rungs, 1080p off by default", () => {
    const plan = planLadder(source({ width: 1920, height: 1080 }), strict);
    expect(plan.map((r) => [r.name, r.width, r.height, r.videoBitrateKbps])).toEqual([
      ["240p", 426, 240, 400],
      ["360p", 640, 360, 800],
      ["480p", 854, 480, 1400],
      ["720p", 1280, 720, 2800],
    ]);
    for (const r of plan) {
      expect(r.maxrateKbps).toBeGreaterThan(r.videoBitrateKbps);
      expect(r.bufsizeKbps).toBe(r.videoBitrateKbps * 2);
      expect(r).toMatchObject({ segmentSeconds: 6, keyframeIntervalSeconds: 2, gopFrames: 60, frameRateText: "30/1" });
      expect(r.bandwidth).toBe((r.maxrateKbps + r.audioBitrateKbps) * 1000);
    }
  });

  it("adds the 1080p rung when enabled and the source is large enough, never upscaling", () => {
    const on = { ...strict, enable1080p: true };
    expect(sizes(source({ width: 1920, height: 1080 }), on).at(-1)).toBe("1080p:1920x1080");
    expect(sizes(source({ width: 1280, height: 720 }), on).at(-1)).toBe("720p:1280x720");
  });

  it("gives a portrait source portrait rungs", () => {
    expect(sizes(source({ width: 1080, height: 1920 }))).toEqual(["240p:240x426", "360p:360x640", "480p:480x854", "720p:720x1280"]);
  });

  it("applies a display-matrix rotation before planning", () => {
    const info = source({ width: 1920, height: 1080, rotation: -90 });
    expect(info.video).toMatchObject({ rotation: 90, displayWidth: 1080, displayHeight: 1920 });
    expect(sizes(info)).toEqual(["240p:240x426", "360p:360x640", "480p:480x854", "720p:720x1280"]);
    expect(sizes(source({ width: 1920, height: 1080, rotation: 180 }))[3]).toBe("720p:1280x720");
  });

  it("keeps a 4:3 source 4:3", () => {
    expect(sizes(source({ width: 1440, height: 1080 }))).toEqual(["240p:320x240", "360p:480x360", "480p:640x480", "720p:960x720"]);
  });

  it("uses the displayed shape of non-square pixels", () => {
    const info = source({ width: 1440, height: 1080, sar: "4:3" });
    expect(info.video).toMatchObject({ displayWidth: 1920, displayHeight: 1080 });
    expect(sizes(info)[3]).toBe("720p:1280x720");
  });

  it("rounds odd sizes to even ones without exceeding the source", () => {
    expect(sizes(source({ width: 1281, height: 721 }))).toEqual(["240p:426x240", "360p:640x360", "480p:854x480", "720p:1280x720"]);
    expect(sizes(source({ width: 1001, height: 751 }))[3]).toBe("720p:960x720");
    expect(sizes(source({ width: 721, height: 1283 }))[3]).toBe("720p:720x1280");
    for (const r of planLadder(source({ width: 2000, height: 837 }), strict)) {
      expect(r.width % 2).toBe(0);
      expect(r.height % 2).toBe(0);
    }
  });

  it("refuses sub-720 sources by default and plans only the rungs they reach when smaller sources are allowed", () => {
    const sd = source({ width: 854, height: 480 });
    expect(codeOf(() => planLadder(sd, strict))).toBe("SOURCE_TOO_SMALL");
    expect(codeOf(() => validateSource(sd, strict))).toBe("SOURCE_TOO_SMALL");
    expect(sizes(sd, lenient)).toEqual(["240p:426x240", "360p:640x360", "480p:854x480"]);
    expect(codeOf(() => validateSource(sd, lenient))).toBeUndefined();
    expect(sizes(source({ width: 360, height: 640 }), lenient)).toEqual(["240p:240x426", "360p:360x640"]);
    expect(sizes(source({ width: 426, height: 240 }), lenient)).toEqual(["240p:426x240"]);
    expect(codeOf(() => validateSource(source({ width: 320, height: 180 }), lenient))).toBe("SOURCE_TOO_SMALL");
  });

  it("derives GOP length from the frame rate", () => {
    expect(planLadder(source({ width: 1280, height: 720, fps: "24000/1001" }), strict)[0]).toMatchObject({
      frameRateText: "24000/1001",
      gopFrames: 48,
    });
    expect(planLadder(source({ width: 1280, height: 720, fps: "25/1" }), strict)[0]).toMatchObject({
      frameRateText: "25/1",
      gopFrames: 50,
    });
    expect(planLadder(source({ width: 1280, height: 720, fps: "60/1" }), strict)[0]).toMatchObject({
      frameRateText: "60/1",
      gopFrames: 120,
    });
  });
});

describe("chooseFrameRate", () => {
  const rate = (r: string, avg: string, max = 60) => {
    const [rn, rd] = r.split("/").map(Number);
    const [an, ad] = avg.split("/").map(Number);
    const chosen = chooseFrameRate({ rFrameRateRational: { num: rn!, den: rd! }, avgFrameRateRational: { num: an!, den: ad! } }, max);
    return `${chosen.num}/${chosen.den}`;
  };

  it("keeps standard rates", () => {
    expect(rate("30000/1001", "30000/1001")).toBe("30000/1001");
    expect(rate("24/1", "24/1")).toBe("24/1");
  });

  it("snaps a variable-rate phone video to its nominal rate", () => {
    expect(rate("30/1", "2960/100")).toBe("30/1");
    expect(rate("90000/1", "29970/1000")).toBe("30000/1001");
  });

  it("rounds an odd average rate", () => {
    expect(rate("1000/1", "1487/100")).toBe("15/1");
  });

  it("halves rates above the maximum", () => {
    expect(rate("120/1", "120/1")).toBe("60/1");
    expect(rate("100/1", "100/1")).toBe("50/1");
    expect(rate("50/1", "50/1", 30)).toBe("25/1");
    expect(rate("120000/1001", "120000/1001")).toBe("60000/1001");
  });
});

describe("validateSource", () => {
  const message = (info: MediaInfo, ladder = strict) => {
    try {
      validateSource(info, ladder);
    } catch (error) {
      return `${(error as AqError).code}: ${(error as AqError).message}`;
    }
    return "ok";
  };

  it("accepts a 720p source longer than 5 s", () => {
    expect(message(source({ width: 1280, height: 720, duration: 5.5 }))).toBe("ok");
  });

  it("explains each rejection", () => {
    expect(message(source({ width: 1280, height: 720, duration: 4.2 }))).toBe(
      "SOURCE_TOO_SHORT: source is 4.2 s long; AQ needs more than 5 s",
    );
    expect(message(source({ width: 1280, height: 720, duration: 5 }))).toMatch(/^SOURCE_TOO_SHORT/);
    expect(message(source({ width: 1280, height: 720, duration: 7 * 3600 }))).toMatch(/^SOURCE_TOO_LONG: source is 7\.0 h long/);
    expect(message(source({ width: 640, height: 360 }))).toBe(
      "SOURCE_TOO_SMALL: source is 640x360 (360 px on the short side); AQ needs at least 720 px",
    );
    expect(message(source({ width: 16000, height: 9000 }))).toMatch(/^SOURCE_TOO_LARGE/);
  });

  it("refuses files without video or without streams", () => {
    const audioOnly = parseProbeJson("/a.m4a", {
      format: { format_name: "mov,mp4,m4a,3gp,3g2,mj2", duration: "30" },
      streams: [
        { index: 0, codec_type: "audio", codec_name: "aac", channels: 2, sample_rate: "44100" },
        { index: 1, codec_type: "video", codec_name: "mjpeg", width: 600, height: 600, disposition: { attached_pic: 1 } },
      ],
    });
    expect(audioOnly.video).toBeNull();
    expect(message(audioOnly)).toMatch(/^SOURCE_NO_VIDEO/);
    expect(message(parseProbeJson("/x", { format: { format_name: "mpegts" }, streams: [] }))).toMatch(/^SOURCE_NOT_MEDIA/);
    const noDuration = parseProbeJson("/x", {
      format: { format_name: "matroska,webm" },
      streams: [{ codec_type: "video", width: 1280, height: 720 }],
    });
    expect(message(noDuration)).toMatch(/^SOURCE_NOT_MEDIA: source duration/);
  });

  it("caps width x height x fps x duration on the probe (SOURCE_MAX_DECODED_PIXELS)", () => {
    // 1280 x 720 x 30 fps x 30 s = 829 megapixels to decode.
    const clip = source({ width: 1280, height: 720, duration: 30 });
    expect(message(clip, { ...strict, maxDecodedPixels: 8e8 })).toMatch(/^SOURCE_TOO_LARGE: source has 1 gigapixels to decode/);
    expect(message(clip, { ...strict, maxDecodedPixels: 9e8 })).toBe("ok");
  });
});

describe("parseProbeJson", () => {
  it("picks the default audio track, reads bit depth and HDR transfer", () => {
    const info = parseProbeJson("/x.mkv", {
      format: { format_name: "matroska,webm", duration: "12.5" },
      streams: [
        {
          index: 0,
          codec_type: "video",
          codec_name: "hevc",
          width: 3840,
          height: 2160,
          pix_fmt: "yuv420p10le",
          color_transfer: "smpte2084",
          r_frame_rate: "24/1",
          avg_frame_rate: "24/1",
        },
        { index: 1, codec_type: "audio", codec_name: "opus", channels: 2, sample_rate: "48000", disposition: { default: 0 } },
        { index: 2, codec_type: "audio", codec_name: "ac3", channels: 6, sample_rate: "48000", disposition: { default: 1 } },
      ],
    });
    expect(info.video).toMatchObject({ bitDepth: 10, hdr: "pq", rFrameRate: 24, displayWidth: 3840 });
    expect(info.audio).toMatchObject({ index: 2, codec: "ac3", channels: 6 });
    expect(info.audioTrackCount).toBe(2);
    expect(info.durationSeconds).toBe(12.5);
  });
});

describe("encodeTimeoutMs", () => {
  it("grows with the duration only up to the longest accepted source, so a source cannot buy itself time", () => {
    const ladder: LadderConfig = { ...strict, maxDurationSeconds: 20, encodeTimeoutSeconds: 0 };
    expect(encodeTimeoutMs(ladder, 10)).toBe((600 + 20 * 10) * 1000);
    // Capped at the limit plus the slack normalizing copies past it (22 s here), however long the source claims or runs.
    expect(encodeTimeoutMs(ladder, 40)).toBe((600 + 20 * 22) * 1000);
    expect(encodeTimeoutMs(ladder, 3600 * 24 * 365)).toBe((600 + 20 * 22) * 1000);
    // A configured ENCODE_TIMEOUT_SECONDS is the limit as it is.
    expect(encodeTimeoutMs({ ...ladder, encodeTimeoutSeconds: 900 }, 3600 * 24)).toBe(900_000);
  });
});
