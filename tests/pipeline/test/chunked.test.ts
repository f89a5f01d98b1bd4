import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assetFiles,
  chunkLogName,
  downloadFile,
  downloadName,
  IMAGES_DIR,
  logKey,
  playableEventSchema,
  playableSubject,
  POSTER_FILE,
  QC_REPORT,
  STORYBOARD_VTT,
  storyboardSheetName,
  thumbnailFile,
  type QcReport,
} from "@aq/contracts";
import { getChunks, getVideo, getVideoHistory, liveLease } from "@aq/platform/db";
import { deletePrefix, downloadObject, getObjectStream, headObject, listPrefix, uploadFile } from "@aq/platform/storage";
import { retryVideo } from "@aq/pipeline";
import { makeTestClip, startServiceProcess, stopChild, waitFor, type RunningService } from "@aq/devkit";
import {
  encodeGate,
  startPipelineStack,
  submitVideo,
  VIDEO_OUTPUT_KEY,
  waitForStatus,
  type EncodeGate,
  type PipelineStack,
} from "./harness.js";

/**
 * Chunked encoding with every service on its own disk: the probe, two encoders and the uploader
 * each get a WORK_DIR of their own, so every hand-off has to go through the bucket or a message.
 */
let stack: PipelineStack;
let clip: string;
const workDirs: Record<string, string> = {};

/** The video whose whole-source audio encode (the planner's, not the first chunk's own) is held. */
const HELD_AUDIO_ID = "first-before-audio";
let audioGate: EncodeGate;

/**
 * 1-segment chunks after a 1-segment first one: a 20 s source is 4 chunks. Short leases and ack
 * waits, so a killed encoder's chunk goes to the other one within seconds.
 */
const CHUNKING = {
  CHUNK_MIN_SOURCE_SECONDS: "10",
  CHUNK_SECONDS: "6",
  CHUNK_FIRST_SEGMENTS: "1",
  ENCODER_CONCURRENCY: "1",
  WORK_LEASE_SECONDS: "4",
  NATS_ACK_WAIT_SECONDS: "6",
};

async function startService(name: RunningService["name"], instance: string): Promise<void> {
  workDirs[instance] = join(stack.scratch, `work-${instance}`);
  const env = { ...stack.env, WORK_DIR: workDirs[instance], PATH: audioGate.path };
  const service = await startServiceProcess(name, env, { logDir: join(stack.scratch, "logs"), instance, waitReady: false });
  stack.services!.services.push(service);
  // Longer than the devkit's 60 s: five processes compiling their TypeScript at once on a loaded machine.
  await waitFor(async () => (await fetch(`${service.healthUrl}/readyz`).catch(() => null))?.ok === true, {
    timeoutMs: 180_000,
    intervalMs: 250,
    message: `${name} ${instance} to be ready (log: ${service.logFile})`,
  });
}

async function text(key: string): Promise<string> {
  const object = await getObjectStream(stack.s3.storage, key);
  if (!object) throw new Error(`${key} is not in the bucket`);
  const parts: Buffer[] = [];
  for await (const part of object.body) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

beforeAll(async () => {
  stack = await startPipelineStack(CHUNKING, { services: false });
  audioGate = await encodeGate({ hold: `*"/${HELD_AUDIO_ID}/"*" -vn "*`, pass: "*aq-chunk-*" });
  const started: RunningService[] = [];
  stack.services = { services: started, stop: () => Promise.all(started.map((s) => stopChild(s.child, 15_000))).then(() => {}) };
  clip = join(stack.scratch, "clip.mp4");
  await makeTestClip(clip, { seconds: 20, width: 640, height: 360, fps: 25, audio: "stereo" });
  await Promise.all([
    startService("probe-service", "probe"),
    startService("encoder-service", "encoder-a"),
    startService("encoder-service", "encoder-b"),
    startService("uploader-service", "uploader"),
  ]);
});

afterAll(async () => {
  await audioGate?.open();
  await stack?.stop();
  await audioGate?.remove();
});

describe("chunked encoding", () => {
  it("plays before READY, shares the chunks between two encoders, and ends in the guide's exact layout with its assets", async () => {
    const id = "chunked";
    const playableSub = stack.nc.subscribe(playableSubject(id));
    await stack.nc.flush();
    await submitVideo(stack, clip, id, { mp4Download: true });

    // Playable: announced once, while the video is still encoding, with the master and the
    // first segments of every rung in the bucket and growing EVENT playlists.
    let playableSeconds = 0;
    for await (const msg of playableSub) {
      playableSeconds = playableEventSchema.parse(msg.json()).playableSeconds;
      break;
    }
    const atPlayable = await getVideo(stack.db, id);
    expect(atPlayable?.playableAt).not.toBeNull();
    expect(playableSeconds).toBeGreaterThan(0);
    const prefix = `videos/${id}/`;
    const master = await text(`${prefix}master.m3u8`);
    expect(master).toContain("240p.m3u8");
    expect(master).toContain("360p.m3u8");
    const growing = await text(`${prefix}240p.m3u8`);
    for (const rung of ["240p", "360p"]) expect(await headObject(stack.s3.storage, `${prefix}segments/${rung}_000.ts`)).not.toBeNull();
    const history = (await getVideoHistory(stack.db, id)).map((h) => h.toStatus);
    const readyBeforePlayable = history.includes("ready");
    expect(readyBeforePlayable).toBe(false);
    if (!growing.includes("#EXT-X-ENDLIST")) expect(growing).toContain("#EXT-X-PLAYLIST-TYPE:EVENT");

    const video = await waitForStatus(stack, id);
    expect(video.status).toBe("ready");
    expect(video.chunkCount).toBe(4);
    expect(video.renditions?.map((r) => r.name)).toEqual(["240p", "360p"]);

    // Exactly the guide's layout (the master, one playlist per rung, segments numbered from 000)
    // and beside it the assets a single run makes: images/ and the MP4 download asked for, each
    // file the manifest on the row names, no other.
    const assets = video.assets!;
    expect(assets.poster.path).toBe(POSTER_FILE);
    expect(assets.storyboard.path).toBe(STORYBOARD_VTT);
    expect(assets.thumbnails.times.length).toBeGreaterThan(0);
    expect(assets.download).toMatchObject({ path: downloadFile(downloadName(id, id)), rendition: "360p" });
    const keys = (await listPrefix(stack.s3.storage, prefix)).map((o) => o.key.slice(prefix.length)).sort();
    const segments = (rung: string) => [0, 1, 2, 3].map((n) => `segments/${rung}_00${n}.ts`);
    expect(keys).toEqual(["240p.m3u8", "360p.m3u8", "master.m3u8", ...segments("240p"), ...segments("360p"), ...assetFiles(assets)].sort());
    for (const key of keys) expect(key).toMatch(VIDEO_OUTPUT_KEY);
    const contentType = async (path: string) => (await headObject(stack.s3.storage, prefix + path))?.contentType;
    expect(await contentType(POSTER_FILE)).toBe("image/jpeg");
    expect(await contentType(thumbnailFile(0))).toBe("image/jpeg");
    expect(await contentType(`${IMAGES_DIR}/${storyboardSheetName(0)}`)).toBe("image/jpeg");
    expect(await contentType(STORYBOARD_VTT)).toMatch(/^text\/vtt/);
    expect(await contentType(assets.download!.path)).toBe("video/mp4");
    expect((await headObject(stack.s3.storage, prefix + assets.download!.path))?.size).toBe(assets.download!.bytes);
    expect(await text(prefix + STORYBOARD_VTT)).toMatch(/^WEBVTT/);
    const listed: [string, number][] = [];
    for (const rung of ["240p", "360p"]) {
      const playlist = await text(`${prefix}${rung}.m3u8`);
      expect(playlist).toContain("#EXT-X-PLAYLIST-TYPE:VOD");
      expect(playlist).toContain("#EXT-X-ENDLIST");
      expect(playlist.split("\n").filter((l) => l.startsWith("segments/"))).toEqual(segments(rung));
      expect(playlist).not.toContain("DISCONTINUITY");
      listed.push([rung, playlist.split("\n").filter((l) => l.startsWith("segments/")).length]);
    }
    // The QC report a single run makes too, named on the row so the uploader expects it: one
    // entry per rung, measured on the segments its playlist lists.
    expect(assets.qc).toEqual({ path: QC_REPORT, bytes: (await headObject(stack.s3.storage, prefix + QC_REPORT))?.size });
    expect(await contentType(QC_REPORT)).toBe("application/json");
    const qc = JSON.parse(await text(prefix + QC_REPORT)) as QcReport;
    expect(qc.renditions.map((r) => [r.name, r.segmentCount])).toEqual(listed);
    expect(qc.qualitySample?.rendition).toBe("360p");
    expect(qc.audio?.silent).toBe(false);
    expect((await headObject(stack.s3.storage, `${prefix}master.m3u8`))?.contentType).toBe("application/vnd.apple.mpegurl");
    expect(await text(`${prefix}master.m3u8`)).toMatch(/AVERAGE-BANDWIDTH=\d+/);

    // Every chunk done once, by the two encoders between them.
    const chunks = await getChunks(stack.db, id);
    expect(chunks.map((c) => [c.index, c.status, c.attempts])).toEqual([0, 1, 2, 3].map((i) => [i, "done", 1]));
    const doneBy = await Promise.all(
      stack
        .services!.services.filter((s) => s.name === "encoder-service")
        .map(async (s) => {
          const lines = (await readFile(s.logFile, "utf8")).split("\n").filter((l) => l.includes('"chunk: done"'));
          return lines.map((l) => (JSON.parse(l) as { chunk: number }).chunk);
        }),
    );
    expect(doneBy.flat().sort()).toEqual([0, 1, 2, 3]);
    expect(doneBy.every((done) => done.length > 0)).toBe(true);
    expect((await getVideoHistory(stack.db, id)).map((h) => h.toStatus)).toEqual([
      "uploaded",
      "probing",
      "probed",
      "encoding",
      "encoded",
      "uploading",
      "ready",
    ]);

    // Cleaned up: the original, the shared inputs, and nothing left on any service's disk.
    await waitFor(
      async () =>
        (await listPrefix(stack.s3.storage, `uploads/${id}/`)).length === 0 &&
        (await listPrefix(stack.s3.storage, `work/${id}/`)).length === 0,
      { message: "the upload and the chunk inputs to be removed" },
    );
    for (const dir of Object.values(workDirs)) expect(await readdir(dir).catch(() => [])).not.toContain(id);
    expect(stack.s3.strict?.refusals).toEqual([]);
  });

  it("makes the first chunk playable before the whole source's audio is encoded, then queues the others", async () => {
    const id = HELD_AUDIO_ID;
    await submitVideo(stack, clip, id);
    await waitFor(async () => (await audioGate.arrived()) > 0 && (await getVideo(stack.db, id))?.playableAt != null, {
      timeoutMs: 120_000,
      message: "the first chunk to be playable while the planner's audio encode is held",
    });
    // The first chunk encoded the start of the audio itself; the others wait for the whole source's.
    const chunks = await getChunks(stack.db, id);
    expect(chunks.map((c) => c.status)).toEqual(["done", "pending", "pending", "pending"]);
    expect(chunks.slice(1).map((c) => c.attempts)).toEqual([0, 0, 0]);
    const planned = (await getVideo(stack.db, id))?.chunkSource;
    expect(planned?.audio).toEqual([]);
    // It read the head of the normalized file, which went to the bucket ahead of the whole.
    expect(planned?.headKey).toBe(`work/${id}/head.mp4`);
    for (const rung of ["240p", "360p"]) expect(await headObject(stack.s3.storage, `videos/${id}/segments/${rung}_000.ts`)).not.toBeNull();

    await audioGate.open();
    const video = await waitForStatus(stack, id);
    expect(video.status).toBe("ready");
    const bitrates = [...new Set(video.plannedRenditions!.map((r) => r.audioBitrateKbps))].sort((a, b) => a - b);
    expect(video.chunkSource?.audio.map((a) => a.bitrateKbps)).toEqual(bitrates);
    expect(video.chunkSource?.headKey).toBeUndefined();
    expect((await getChunks(stack.db, id)).map((c) => c.attempts)).toEqual([1, 1, 1, 1]);
  });

  it("fails the video when a chunk fails twice, keeps that chunk's log, and a retry re-runs only the chunks not done", async () => {
    const id = "chunk-fails";
    await submitVideo(stack, clip, id);
    // Once the whole normalized file is in the bucket, it disappears: every chunk reading it fails
    // (the others are queued after the whole-source audio, which the planner encodes next).
    const normalizedKey = await waitFor(
      async () => {
        const key = (await getVideo(stack.db, id))?.chunkSource?.normalizedKey;
        return key && (await headObject(stack.s3.storage, key)) ? key : null;
      },
      { intervalMs: 20, timeoutMs: 120_000, message: "the normalized source to be in the bucket" },
    );
    const saved = join(stack.scratch, "normalized-copy");
    await downloadObject(stack.s3.storage, normalizedKey, saved);
    await deletePrefix(stack.s3.storage, normalizedKey);

    const failed = await waitForStatus(stack, id);
    expect(failed.status).toBe("failed_encoding");
    expect(failed.errorCode).toBe("CHUNK_INPUT_MISSING");
    const chunks = await getChunks(stack.db, id);
    const failedChunk = chunks.find((c) => c.status === "failed");
    expect(failedChunk?.attempts).toBe(2);
    const log = logKey(id, chunkLogName(failedChunk!.index, 2));
    expect(failed.logLocation).toBe(log);
    expect(failed.errorMessage).toContain(`chunk ${failedChunk!.index}`);
    expect((await headObject(stack.s3.storage, log))?.size).toBeGreaterThan(0);
    const doneBefore = chunks.filter((c) => c.status === "done").map((c) => c.index);

    await uploadFile(stack.s3.storage, saved, normalizedKey);
    // The planner goes on with the whole-source audio after the first chunk failed the video; a
    // retry is refused while it holds the video's encoder lease.
    await waitFor(async () => (await liveLease(stack.db, id, "encoder")) === null, { message: "the planner to give up its lease" });
    await retryVideo(stack.db, id, { stuckAfterSeconds: 900 });
    const ready = await waitForStatus(stack, id);
    expect(ready.status).toBe("ready");
    const after = await getChunks(stack.db, id);
    expect(after.every((c) => c.status === "done")).toBe(true);
    // Chunks done before the failure were not encoded again.
    for (const index of doneBefore) expect(after[index]?.attempts).toBe(1);
    const keys = (await listPrefix(stack.s3.storage, `videos/${id}/`)).map((o) => o.key);
    expect(keys).toHaveLength(3 + 2 * 4 + assetFiles(ready.assets!).length);
  });

  it("redoes once the chunk of an encoder killed mid-chunk, on the other encoder, with no segment missing or doubled", async () => {
    const id = "chunk-kill";
    const [a] = stack.services!.services.filter((s) => s.name === "encoder-service");
    await submitVideo(stack, clip, id);
    const owner = `:${a!.child.pid}`;
    let victim = -1;
    await waitFor(
      async () => {
        const chunk = (await getChunks(stack.db, id)).find((c) => c.status === "encoding" && c.encoder?.endsWith(owner));
        victim = chunk?.index ?? -1;
        return victim >= 0;
      },
      { intervalMs: 20, timeoutMs: 120_000, message: "encoder a to be encoding a chunk" },
    );
    a!.child.kill("SIGKILL");

    const ready = await waitForStatus(stack, id);
    expect(ready.status).toBe("ready");
    const chunks = await getChunks(stack.db, id);
    expect(chunks.every((c) => c.status === "done")).toBe(true);
    const redone = chunks[victim]!;
    expect(redone.encoder).not.toMatch(new RegExp(`${owner}$`));
    expect(redone.attempts).toBe(2);
    // Every segment of every rung exactly once, in the playlists and in the bucket.
    const prefix = `videos/${id}/`;
    const keys = (await listPrefix(stack.s3.storage, prefix)).map((o) => o.key.slice(prefix.length)).sort();
    const segments = (rung: string) => [0, 1, 2, 3].map((n) => `segments/${rung}_00${n}.ts`);
    expect(keys).toEqual(
      ["240p.m3u8", "360p.m3u8", "master.m3u8", ...segments("240p"), ...segments("360p"), ...assetFiles(ready.assets!)].sort(),
    );
    for (const rung of ["240p", "360p"]) {
      expect((await text(`${prefix}${rung}.m3u8`)).split("\n").filter((l) => l.startsWith("segments/"))).toEqual(segments(rung));
    }
  });
});
