import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explainError } from "@aq/contracts";
import { PlanVideoDocument, type PlanVideoQuery } from "@aq/graphql-client";
import { makeTestClip, startServiceProcess, stopChild, type RunningService } from "@aq/devkit";
import { uploadFile } from "@aq/platform/storage";
import { startInfrastructure, startTestGateway, type Infrastructure, type TestGateway } from "./harness.js";

// planVideo for real: the gateway in this process, a probe-service process answering over NATS
// with ffprobe, the local S3 server holding the sources.
let infra: Infrastructure;
let gw: TestGateway;
let probe: RunningService | undefined;
let scratch: string;

// The operation the generated client sends, so the test reads the schema's fields by their generated types.
const PLAN = print(PlanVideoDocument);

async function plan(input: Record<string, unknown>) {
  return gw.graphql<PlanVideoQuery>(PLAN, { input });
}

beforeAll(async () => {
  infra = await startInfrastructure();
  // An execution limit shorter than a plan takes (a download and ffprobe): the plan's fields still
  // resolve, since the deadline counts from when planVideo ends, as after a mutation's field.
  gw = await startTestGateway(infra, { PLAN_TIMEOUT_SECONDS: "60" }, { executionTimeLimitMs: 300 });
  scratch = await mkdtemp(join(tmpdir(), "aq-plan-video-"));
  // 720p: the whole four-rung ladder (240p-720p); 6 s is over the 5 s shortest source.
  const clip = join(scratch, "clip.mp4");
  await makeTestClip(clip, { seconds: 6, width: 1280, height: 720, fps: 30 });
  await uploadFile(infra.s3.storage, clip, "plans/clip.mp4");
  const junk = join(scratch, "junk.mp4");
  await writeFile(junk, Buffer.alloc(64 * 1024, 7));
  await uploadFile(infra.s3.storage, junk, "plans/junk.mp4");
});

afterAll(async () => {
  if (probe) await stopChild(probe.child, 10_000);
  await gw?.stop();
  await infra?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("planVideo", () => {
  it("is PLAN_UNAVAILABLE while no probe service runs", async () => {
    const result = await plan({ sourceUrl: `s3://${infra.s3.env.S3_BUCKET}/plans/clip.mp4` });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", aqCode: "PLAN_UNAVAILABLE" });
    expect(result.errors?.[0]?.message).toBe("no probe service is running to make the plan");
  });

  it("needs the API key", async () => {
    const result = await gw.graphql(PLAN, { input: { sourceUrl: "https://example.com/a.mp4" } }, { apiKey: null });
    expect(result.status).toBe(401);
  });

  describe("with a probe service", () => {
    beforeAll(async () => {
      // The probe's own rules: private addresses refused, as in production.
      probe = await startServiceProcess(
        "probe-service",
        { ...infra.env, SOURCE_URL_ALLOW_PRIVATE: "false", WORK_DIR: join(scratch, "work") },
        { logDir: join(scratch, "logs") },
      );
    });

    it("plans a 720p clip: four rungs, the encode's ffmpeg arguments and the estimates", async () => {
      const result = await plan({ sourceUrl: `s3://${infra.s3.env.S3_BUCKET}/plans/clip.mp4` });
      expect(result.errors).toBeUndefined();
      const planned = result.data!.planVideo;
      expect(planned.verdict).toBe("ACCEPTED");
      expect(planned.error).toBeNull();
      expect(planned.source).toMatchObject({ width: 1280, height: 720, videoCodec: "h264", audioCodec: "aac" });
      expect(planned.source!.durationSeconds).toBeCloseTo(6, 0);
      expect(planned.renditions.map((r) => [r.name, r.width, r.height])).toEqual([
        ["240p", 426, 240],
        ["360p", 640, 360],
        ["480p", 854, 480],
        ["720p", 1280, 720],
      ]);
      expect(planned.renditions.every((r) => r.videoBitrateKbps > 0 && r.audioBitrateKbps! > 0)).toBe(true);
      // The arguments read the normalized copy the encoder makes of an H.264 source.
      expect(planned.ffmpegArgs).toContain("libx264");
      expect(planned.ffmpegArgs).toContain("file:normalized.mp4");
      // No path of the probe service's host.
      expect(planned.ffmpegArgs.filter((arg) => /(^|file:)\//.test(arg))).toEqual([]);
      // The test's probe reads the default preset (medium), which the bench timed.
      expect(planned.estimatedCpuSeconds).toBeGreaterThan(0);
      expect(planned.estimatedEncodeSeconds).toBeGreaterThanOrEqual(0);
      expect(planned.estimatedStoredBytes).toBeGreaterThan(0);
    });

    it("answers a file that is not a video with the probe stage's SOURCE_ code", async () => {
      const result = await plan({ sourceUrl: `s3://${infra.s3.env.S3_BUCKET}/plans/junk.mp4` });
      const rejected = result.data!.planVideo;
      expect(rejected.verdict).toBe("REJECTED");
      const { summary, nextStep } = explainError("SOURCE_NOT_MEDIA");
      expect(rejected.error).toEqual({
        code: "SOURCE_NOT_MEDIA",
        message: "source is not a video file ffmpeg can read",
        summary,
        nextStep,
      });
      expect(rejected.renditions).toEqual([]);
      expect(rejected.ffmpegArgs).toEqual([]);
      expect(rejected.source).toBeNull();
    });

    it("refuses a loopback sourceUrl under createVideo's address rules (SOURCE_URL_REFUSED)", async () => {
      const result = await plan({ sourceUrl: `${infra.s3.env.S3_ENDPOINT}/${infra.s3.env.S3_BUCKET}/plans/clip.mp4` });
      expect(result.data!.planVideo).toMatchObject({ verdict: "REJECTED", error: { code: "SOURCE_URL_REFUSED" } });
    });

    it("plans an upload that is PUT but not completed, which stays AWAITING_UPLOAD", async () => {
      const clip = join(scratch, "clip.mp4");
      const created = await gw.graphql<{
        createVideo: { video: { id: string }; upload: { url: string; method: string; headers: Array<{ name: string; value: string }> } };
      }>(
        `mutation ($input: CreateVideoInput!) { createVideo(input: $input) { video { id } upload { url method headers { name value } } } }`,
        { input: { upload: { filename: "clip.mp4", contentType: "video/mp4", sizeBytes: (await stat(clip)).size } } },
      );
      const { video, upload } = created.data!.createVideo;

      const early = await plan({ videoId: video.id });
      expect(early.data!.planVideo).toMatchObject({ verdict: "REJECTED", error: { code: "SOURCE_NOT_FOUND" } });

      const put = await fetch(upload.url, {
        method: upload.method,
        headers: Object.fromEntries(upload.headers.map((h) => [h.name, h.value])),
        body: await readFile(clip),
      });
      expect(put.status).toBe(200);
      const planned = await plan({ videoId: video.id });
      expect(planned.data!.planVideo.verdict).toBe("ACCEPTED");
      expect(planned.data!.planVideo.renditions).toHaveLength(4);
      const after = await gw.graphql<{ video: { status: string } }>(`query ($id: ID!) { video(id: $id) { status } }`, { id: video.id });
      expect(after.data!.video.status).toBe("AWAITING_UPLOAD");
    });

    it("refuses input that names no source, or both", async () => {
      for (const input of [{}, { sourceUrl: "https://example.com/a.mp4", videoId: "x" }]) {
        const result = await plan(input);
        expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", aqCode: "INVALID_INPUT" });
      }
    });
  });
});
