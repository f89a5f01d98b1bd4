import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chunkLeaseUnit, chunkMessageId, type ChunkJob, type MediaInfo, type StoredChunkRange } from "@aq/contracts";
import { createTestDatabase, type TestDatabase } from "@aq/devkit";
import {
  acquireLease,
  beginChunkAttempt,
  completeChunk,
  drainOutbox,
  failChunk,
  findStuckChunks,
  findStuckVideos,
  getChunks,
  getVideo,
  getVideoHistory,
  insertVideo,
  queueChunks,
  requeueChunk,
  transitionVideo,
  type LeaseRef,
  type OutboxMessage,
} from "@aq/platform/db";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const RANGES: StoredChunkRange[] = [
  { index: 0, startSeconds: 0, durationSeconds: 12, firstSegment: 0, segmentCount: 2 },
  { index: 1, startSeconds: 12, durationSeconds: 12, firstSegment: 2, segmentCount: 2 },
  { index: 2, startSeconds: 24, durationSeconds: 6.5, firstSegment: 4, segmentCount: 2 },
];

const SOURCE = { normalizedKey: "work/x/normalized.mp4", info: { durationSeconds: 30.5 } as MediaInfo, audio: [] };

async function take(videoId: string, unit: string, ttlMs = 60_000): Promise<LeaseRef> {
  const acquired = await acquireLease(database.db, { videoId, unit, statuses: ["probed", "encoding"], owner: "test", ttlMs });
  if (acquired.kind !== "acquired") throw new Error(`lease on ${unit} not acquired: ${acquired.kind}`);
  return acquired.lease;
}

async function published(): Promise<OutboxMessage[]> {
  const messages: OutboxMessage[] = [];
  await drainOutbox(database.db, async (m) => void messages.push(m));
  return messages;
}

/** A video in `encoding` whose planner queued RANGES. */
async function plannedVideo(id: string): Promise<number[] | null> {
  const { db } = database;
  await insertVideo(db, { id, status: "probed", sourceKind: "upload", sourceLocation: `uploads/${id}/source` });
  const planner = await take(id, "encoder");
  await transitionVideo(db, { id, from: "probed", to: "encoding", lease: planner });
  await published();
  return queueChunks(db, planner, RANGES, SOURCE);
}

const renditionsOf = (range: StoredChunkRange) => [
  {
    name: "240p",
    videoCodec: "avc1.42c015",
    segments: Array.from({ length: range.segmentCount }, (_, i) => ({
      uri: `segments/240p_${String(range.firstSegment + i).padStart(3, "0")}.ts`,
      durationSeconds: 6,
      bytes: 1000,
    })),
  },
];

describe("chunk rows", () => {
  it("queues one job per chunk, first chunk first, each with a message id of its chunk and round", async () => {
    expect(await plannedVideo("chq")).toEqual([0, 1, 2]);
    const jobs = await published();
    expect(jobs.map((m) => (m.payload as ChunkJob).index)).toEqual([0, 1, 2]);
    expect(jobs.map((m) => m.messageId)).toEqual([0, 1, 2].map((i) => chunkMessageId("chq", i, 1)));
    const video = await getVideo(database.db, "chq");
    expect(video?.chunkCount).toBe(3);
    expect(video?.chunkSource?.normalizedKey).toBe(SOURCE.normalizedKey);
  });

  it("publishes the done prefix in order, makes the video playable once, and hands it back to the encoder stage with the last chunk", async () => {
    const { db } = database;
    await plannedVideo("chf");
    await published();
    const prefixes: number[] = [];
    const finish = async (index: number) => {
      const lease = await take("chf", chunkLeaseUnit(index));
      expect(await beginChunkAttempt(db, lease, index, "test")).toBe(1);
      return completeChunk(db, lease, index, { renditions: renditionsOf(RANGES[index]!), logLocation: null }, async (fanIn) => {
        prefixes.push(fanIn.donePrefix);
        return {
          publishedChunks: fanIn.donePrefix,
          playableSeconds: fanIn.donePrefix * 12,
          ...(fanIn.complete ? { renditions: [{ name: "240p", width: 426, height: 240, bandwidth: 1 }] } : {}),
        };
      });
    };
    // Chunk 1 first: nothing new is playable until chunk 0 is done.
    await finish(1);
    expect(prefixes).toEqual([]);
    expect((await getVideo(db, "chf"))?.playableAt).toBeNull();
    await finish(0);
    expect(prefixes).toEqual([2]);
    const playable = await getVideo(db, "chf");
    expect(playable?.playableAt).not.toBeNull();
    expect(playable?.publishedChunks).toBe(2);
    expect((await published()).map((m) => m.subject)).toEqual(["aq.playable.chf"]);
    await finish(2);
    expect(prefixes).toEqual([2, 3]);
    // Still encoding, its assets to make: the renditions recorded, a fresh attempt budget, and the
    // encoder's queue event carrying the current status (no status change, no history row).
    const done = await getVideo(db, "chf");
    expect(done?.status).toBe("encoding");
    expect(done?.renditions?.[0]?.name).toBe("240p");
    expect(done?.attempts).toBe(0);
    // The playable event is not announced twice.
    const announced = await published();
    expect(announced.map((m) => m.subject)).toEqual(["aq.video.chf.probed"]);
    expect(announced[0]?.payload).toMatchObject({ videoId: "chf", status: "encoding" });
    // Becoming playable is a history entry of its own, in order with the status changes (the
    // webhook fan-out reads it there), which the status history leaves out.
    const { rows } = await db.$client.query<{ kind: string; to_status: string; detail: string | null }>(
      "select kind, to_status, detail from video_status_history where video_id = 'chf' order by id",
    );
    expect(rows.slice(-2)).toEqual([
      { kind: "status", to_status: "encoding", detail: null },
      { kind: "playable", to_status: "encoding", detail: "playable: 24.0 s" },
    ]);
    expect((await getVideoHistory(db, "chf")).map((h) => h.toStatus).slice(-2)).toEqual(["probed", "encoding"]);
  });

  it("a chunk that fails for good fails the video with its error and log, and a chunk lease lost records nothing", async () => {
    const { db } = database;
    await plannedVideo("chx");
    const lease = await take("chx", chunkLeaseUnit(1));
    expect(await beginChunkAttempt(db, lease, 1, "test")).toBe(1);
    expect(await beginChunkAttempt(db, lease, 1, "test")).toBe(2);
    // Out of attempts.
    expect(await beginChunkAttempt(db, lease, 1, "test")).toBeNull();
    const stale = { ...lease, token: "00000000-0000-0000-0000-000000000000" };
    expect(await failChunk(db, stale, 1, { code: "ENCODE_FAILED", message: "boom" }, "logs/chx/x.log")).toBe(false);
    expect(await failChunk(db, lease, 1, { code: "ENCODE_FAILED", message: "boom" }, "logs/chx/x.log")).toBe(true);
    const video = await getVideo(db, "chx");
    expect(video?.status).toBe("failed_encoding");
    expect(video?.logLocation).toBe("logs/chx/x.log");
    expect(video?.errorMessage).toContain("chunk 1");
    expect((await getChunks(db, "chx")).map((c) => c.status)).toEqual(["pending", "failed", "pending"]);
  });

  it("a retry re-queues only the chunks that are not done, in a new round", async () => {
    const { db } = database;
    await plannedVideo("chr");
    const lease0 = await take("chr", chunkLeaseUnit(0));
    await beginChunkAttempt(db, lease0, 0, "test");
    await completeChunk(db, lease0, 0, { renditions: renditionsOf(RANGES[0]!), logLocation: null }, async () => null);
    const lease1 = await take("chr", chunkLeaseUnit(1));
    await beginChunkAttempt(db, lease1, 1, "test");
    await failChunk(db, lease1, 1, { code: "ENCODE_FAILED", message: "boom" }, null);
    await published();
    await transitionVideo(db, { id: "chr", from: "failed_encoding", to: "probed" });
    const planner = await take("chr", "encoder");
    await transitionVideo(db, { id: "chr", from: "probed", to: "encoding", lease: planner });
    expect(await queueChunks(db, planner, RANGES, SOURCE)).toEqual([1, 2]);
    const jobs = (await published()).filter((m) => m.subject.startsWith("aq.chunk."));
    expect(jobs.map((m) => m.messageId)).toEqual([chunkMessageId("chr", 1, 2), chunkMessageId("chr", 2, 2)]);
    const chunks = await getChunks(db, "chr");
    expect(chunks.map((c) => [c.status, c.attempts])).toEqual([
      ["done", 1],
      ["pending", 0],
      ["pending", 0],
    ]);
  });

  it("the sweep re-queues chunks nobody holds, never under a live lease, and leaves their video in encoding", async () => {
    const { db } = database;
    await plannedVideo("chs");
    await published();
    const held = await take("chs", chunkLeaseUnit(0));
    await beginChunkAttempt(db, held, 0, "test");
    const future = new Date(Date.now() + 60_000);
    const stuck = (await findStuckChunks(db, future)).filter((c) => c.videoId === "chs");
    expect(stuck.map((c) => c.index).sort()).toEqual([0, 1, 2]);
    const requeued = [];
    for (const chunk of stuck) if (await requeueChunk(db, chunk.videoId, chunk.index)) requeued.push(chunk.index);
    expect(requeued).toEqual([1, 2]);
    expect((await published()).map((m) => m.messageId)).toEqual([chunkMessageId("chs", 1, 2), chunkMessageId("chs", 2, 2)]);
    // The video itself is not handed back while its chunks are in flight.
    const videos = await findStuckVideos(db, { queued: "probed", working: "encoding", unit: "encoder" }, future);
    expect(videos.map((v) => v.id)).not.toContain("chs");
  });
});
