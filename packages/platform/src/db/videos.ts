import { and, asc, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { statusSubject, type ErrorValue, type StatusEvent, type VideoStatus } from "@aq/contracts";
import type { Database } from "./client.js";
import { outbox, videoStatusHistory, videos, type NewVideoRow, type StatusChangeRow, type VideoRow } from "./schema.js";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

function statusEvent(row: VideoRow, from: VideoStatus | null): StatusEvent {
  const error: ErrorValue | null = row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? "" } : null;
  return { v: 1, videoId: row.id, status: row.status, from, attempt: row.attempts, at: new Date().toISOString(), error };
}

async function recordChange(tx: Tx, row: VideoRow, from: VideoStatus | null, detail?: string): Promise<void> {
  await tx.insert(videoStatusHistory).values({ videoId: row.id, fromStatus: from, toStatus: row.status, detail: detail ?? null });
  await tx.insert(outbox).values({ subject: statusSubject(row.id, row.status), payload: statusEvent(row, from) });
}

/** Inserts a video and announces its first status, in one transaction. */
export async function insertVideo(db: Database, values: NewVideoRow): Promise<VideoRow> {
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(videos).values(values).returning();
    if (!row) throw new Error(`insert of video ${values.id} returned no row`);
    await recordChange(tx, row, null, "created");
    return row;
  });
}

export interface Transition {
  id: string;
  /** The status(es) the video must be in for the change to happen. */
  from: VideoStatus | readonly VideoStatus[];
  to: VideoStatus;
  /** Other columns to set with the status. */
  set?: Partial<Omit<NewVideoRow, "id" | "status" | "createdAt">>;
  detail?: string;
}

/**
 * Compare-and-set status change: it happens only if the video is still in an expected status,
 * so a redelivered message or a second instance can never repeat a stage or move a video
 * backwards. The history row and the outbox event are written in the same transaction.
 * Returns the updated row, or null when the video was not in an expected status.
 */
export async function transitionVideo(db: Database, t: Transition): Promise<VideoRow | null> {
  const expected = typeof t.from === "string" ? [t.from] : [...t.from];
  return db.transaction(async (tx) => {
    const [current] = await tx.select({ status: videos.status }).from(videos).where(eq(videos.id, t.id)).for("update");
    if (!current || !expected.includes(current.status)) return null;
    const now = new Date();
    const [row] = await tx
      .update(videos)
      .set({ ...t.set, status: t.to, updatedAt: now, statusChangedAt: now })
      .where(and(eq(videos.id, t.id), inArray(videos.status, expected)))
      .returning();
    if (!row) return null;
    await recordChange(tx, row, current.status, t.detail);
    return row;
  });
}

/** Live progress is not a status change: it updates the row only while the status holds. */
export async function setVideoProgress(db: Database, id: string, status: VideoStatus, percent: number): Promise<void> {
  await db
    .update(videos)
    .set({ progress: percent, updatedAt: new Date() })
    .where(and(eq(videos.id, id), eq(videos.status, status)));
}

export async function getVideo(db: Database, id: string): Promise<VideoRow | null> {
  const [row] = await db.select().from(videos).where(eq(videos.id, id));
  return row ?? null;
}

export async function getVideoHistory(db: Database, id: string): Promise<StatusChangeRow[]> {
  return db.select().from(videoStatusHistory).where(eq(videoStatusHistory.videoId, id)).orderBy(asc(videoStatusHistory.id));
}

export interface VideoPageCursor {
  createdAt: Date;
  id: string;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listVideos(
  db: Database,
  options: { status?: VideoStatus; first: number; after?: VideoPageCursor },
): Promise<VideoRow[]> {
  const conditions = [];
  if (options.status) conditions.push(eq(videos.status, options.status));
  if (options.after) {
    const { createdAt, id } = options.after;
    conditions.push(or(lt(videos.createdAt, createdAt), and(eq(videos.createdAt, createdAt), lt(videos.id, id))));
  }
  return db
    .select()
    .from(videos)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(videos.createdAt), desc(videos.id))
    .limit(options.first);
}

/** Videos that have sat in one of the given statuses since before `olderThan`. */
export async function findStuckVideos(db: Database, statuses: readonly VideoStatus[], olderThan: Date, limit = 100): Promise<VideoRow[]> {
  return db
    .select()
    .from(videos)
    .where(and(inArray(videos.status, [...statuses]), lt(videos.statusChangedAt, olderThan)))
    .orderBy(asc(videos.statusChangedAt))
    .limit(limit);
}

/** Re-announces a video's current status through the outbox (used by the stuck-work sweep). */
export async function republishStatus(db: Database, row: VideoRow, detail: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.update(videos).set({ statusChangedAt: new Date() }).where(and(eq(videos.id, row.id), eq(videos.status, row.status)));
    await tx.insert(outbox).values({ subject: statusSubject(row.id, row.status), payload: { ...statusEvent(row, null), detail } });
  });
}


/** Counts a new attempt at the current stage; returns the attempt number, or null if the status moved on. */
export async function beginAttempt(db: Database, id: string, status: VideoStatus): Promise<number | null> {
  const [row] = await db
    .update(videos)
    .set({ attempts: sql`${videos.attempts} + 1`, updatedAt: new Date() })
    .where(and(eq(videos.id, id), eq(videos.status, status)))
    .returning({ attempts: videos.attempts });
  return row?.attempts ?? null;
}

/** Gives back an attempt that was interrupted by a shutdown rather than by a failure. */
export async function releaseAttempt(db: Database, id: string, status: VideoStatus): Promise<void> {
  await db
    .update(videos)
    .set({ attempts: sql`greatest(${videos.attempts} - 1, 0)` })
    .where(and(eq(videos.id, id), eq(videos.status, status)));
}
