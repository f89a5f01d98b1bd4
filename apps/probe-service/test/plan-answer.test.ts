import { access } from "node:fs/promises";
import { dirname } from "node:path";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { defaultLadderConfig } from "@aq/config";
import { AqError, type MediaInfo, type PlanRequest, type RenditionPlan } from "@aq/contracts";
import type { DryRunPlan } from "@aq/media";
import type { Storage } from "@aq/platform/storage";

// The unit: answerPlanRequest's decisions. Fetching, the bucket and ffprobe are the modules
// around it (tested with real servers and ffmpeg elsewhere), replaced here.
const media = vi.hoisted(() => ({ planDryRun: vi.fn() }));
const sources = vi.hoisted(() => ({ fetchSourceToFile: vi.fn() }));
const storage = vi.hoisted(() => ({ downloadObject: vi.fn() }));
vi.mock("@aq/media", () => media);
vi.mock("@aq/platform/sources", () => sources);
vi.mock("@aq/platform/storage", () => storage);

const { answerPlanRequest } = await import("../src/plan-answer.js");

const deps = { storage: { bucket: "aq" } as Storage, ladder: defaultLadderConfig, allowPrivateSources: false, maxSourceBytes: 1000 };
const url: PlanRequest = { v: 1, source: { kind: "url", url: "https://example.com/a.mp4" }, timeoutMs: 10_000 };
const upload: PlanRequest = { v: 1, source: { kind: "upload", key: "uploads/v1/source.mp4" }, timeoutMs: 10_000 };

const rung = (name: string, width: number, height: number): RenditionPlan => ({
  name,
  width,
  height,
  videoBitrateKbps: 1000,
  maxrateKbps: 1100,
  bufsizeKbps: 2000,
  audioBitrateKbps: 128,
  bandwidth: 1_228_000,
  frameRate: { num: 30000, den: 1001 },
  frameRateText: "30000/1001",
  frameRateValue: 29.97,
  gopFrames: 60,
  keyframeIntervalSeconds: 2,
  segmentSeconds: 6,
});

const silentInfo = {
  path: "/tmp/aq-plan-x/source",
  container: "mov,mp4,m4a,3gp,3g2,mj2",
  durationSeconds: 6,
  sizeBytes: 1000,
  bitRate: null,
  streamCount: 1,
  video: { codec: "h264", displayWidth: 1280, displayHeight: 720, avgFrameRate: 29.97, rFrameRate: 29.97, hdr: null },
  audio: null,
  audioTrackCount: 0,
} as unknown as MediaInfo;

const dry: DryRunPlan = {
  info: silentInfo,
  plan: [rung("240p", 426, 240), rung("720p", 1280, 720)],
  ffmpegArgs: ["-i", `file:${process.cwd()}/normalized.mp4`, "-c:v", "libx264"],
  estimate: { cpuSeconds: 30, wallSecondsOnThisMachine: 15, storedBytesAtMost: 5000 },
};

beforeEach(() => {
  vi.clearAllMocks();
  sources.fetchSourceToFile.mockResolvedValue({ bytes: 10, contentType: "video/mp4", finalUrl: "https://example.com/a.mp4" });
  storage.downloadObject.mockResolvedValue({ size: 10 });
  media.planDryRun.mockResolvedValue(dry);
});

describe("answerPlanRequest", () => {
  it("fetches a URL under the probe stage's rules, then answers with the plan as the API shows it", async () => {
    const reply = await answerPlanRequest(deps, url, new AbortController().signal);
    const [fetched, path, options] = sources.fetchSourceToFile.mock.calls[0]!;
    expect(fetched).toBe("https://example.com/a.mp4");
    expect(options).toMatchObject({ allowPrivate: false, maxBytes: 1000, storage: deps.storage });
    expect(media.planDryRun).toHaveBeenCalledWith(path, defaultLadderConfig, expect.any(AbortSignal));
    expect(reply).toEqual({
      v: 1,
      outcome: "planned",
      plan: {
        source: {
          container: "mov,mp4,m4a,3gp,3g2,mj2",
          durationSeconds: 6,
          width: 1280,
          height: 720,
          frameRate: 29.97,
          videoCodec: "h264",
          hdr: false,
          audioCodec: null,
          audioChannels: null,
        },
        renditions: [
          expect.objectContaining({ name: "240p", width: 426, height: 240, frameRate: "30000/1001", audioBitrateKbps: null }),
          expect.objectContaining({ name: "720p", maxrateKbps: 1100, bufsizeKbps: 2000, bandwidth: 1_228_000 }),
        ],
        // The input without this host's folder.
        ffmpegArgs: ["-i", "file:normalized.mp4", "-c:v", "libx264"],
        estimate: { cpuSeconds: 30, encodeSeconds: 15, storedBytesAtMost: 5000 },
      },
    });
    // The scratch folder (made for the download) is gone once answered.
    expect(dirname(path as string)).toMatch(/aq-plan-/);
    await expect(access(dirname(path as string))).rejects.toThrow(/ENOENT/);
  });

  it("answers a typed error about the source as the probe stage's verdict", async () => {
    media.planDryRun.mockRejectedValue(new AqError("SOURCE_TOO_SHORT", "the source is 2.0 s long; the shortest accepted is 5 s"));
    expect(await answerPlanRequest(deps, url, new AbortController().signal)).toEqual({
      v: 1,
      outcome: "rejected",
      error: { code: "SOURCE_TOO_SHORT", message: "the source is 2.0 s long; the shortest accepted is 5 s" },
    });
  });

  it("reads an upload from the bucket, and names an upload not PUT yet SOURCE_NOT_FOUND", async () => {
    expect((await answerPlanRequest(deps, upload, new AbortController().signal)).outcome).toBe("planned");
    expect(storage.downloadObject).toHaveBeenCalledWith(deps.storage, "uploads/v1/source.mp4", expect.any(String));
    expect(sources.fetchSourceToFile).not.toHaveBeenCalled();

    storage.downloadObject.mockRejectedValue(new AqError("NOT_FOUND", "object uploads/v1/source.mp4 does not exist in the bucket"));
    expect(await answerPlanRequest(deps, upload, new AbortController().signal)).toMatchObject({
      outcome: "rejected",
      error: { code: "SOURCE_NOT_FOUND" },
    });
  });

  it("throws what is not a verdict: an untyped failure, or any failure once aborted", async () => {
    media.planDryRun.mockRejectedValue(new Error("socket hang up"));
    await expect(answerPlanRequest(deps, url, new AbortController().signal)).rejects.toThrow("socket hang up");

    const stopped = new AbortController();
    stopped.abort();
    media.planDryRun.mockRejectedValue(new AqError("SOURCE_FETCH_FAILED", "aborted"));
    await expect(answerPlanRequest(deps, url, stopped.signal)).rejects.toMatchObject({ code: "SOURCE_FETCH_FAILED" });
  });
});
