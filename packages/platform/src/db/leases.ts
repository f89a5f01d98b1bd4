import { randomUUID } from "node:crypto";
import { and, eq, gt, sql } from "drizzle-orm";
import type { VideoStatus } from "@aq/contracts";
import type { Database } from "./client.js";
import { videos, workLeases, type VideoRow, type WorkLeaseRow } from "./schema.js";

type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

/** What a holder names in every write it makes under its lease. */
export interface LeaseRef {
  videoId: string;
  unit: string;
  token: string;
}

export type AcquireResult =
  | { kind: "acquired"; lease: LeaseRef; video: VideoRow; takenOver: WorkLeaseRow | null }
  | { kind: "held"; holder: WorkLeaseRow }
  | { kind: "moved"; status: VideoStatus | null };

const expiresIn = (ttlMs: number) => sql`now() + make_interval(secs => ${ttlMs / 1000})`;

/**
 * Takes the lease on one unit of a video's work, if the video is in one of `statuses` and
 * nobody holds a live lease on that unit. An expired lease is taken over (its holder stopped
 * renewing, and stops its own work when it notices). Expiry is judged on the database clock.
 */
export async function acquireLease(
  db: Database,
  request: { videoId: string; unit: string; statuses: readonly VideoStatus[]; owner: string; ttlMs: number },
): Promise<AcquireResult> {
  return db.transaction(async (tx) => {
    const [video] = await tx.select().from(videos).where(eq(videos.id, request.videoId)).for("update");
    if (!video || !request.statuses.includes(video.status)) return { kind: "moved", status: video?.status ?? null };
    const [existing] = await tx
      .select({ lease: workLeases, live: sql<boolean>`${workLeases.expiresAt} > now()` })
      .from(workLeases)
      .where(and(eq(workLeases.videoId, request.videoId), eq(workLeases.unit, request.unit)))
      .for("update");
    if (existing?.live) return { kind: "held", holder: existing.lease };
    const token = randomUUID();
    const values = { videoId: request.videoId, unit: request.unit, token, owner: request.owner, expiresAt: expiresIn(request.ttlMs) };
    await tx
      .insert(workLeases)
      .values(values)
      .onConflictDoUpdate({
        target: [workLeases.videoId, workLeases.unit],
        set: { token, owner: request.owner, acquiredAt: sql`now()`, renewedAt: sql`now()`, expiresAt: expiresIn(request.ttlMs) },
      });
    return { kind: "acquired", lease: { videoId: request.videoId, unit: request.unit, token }, video, takenOver: existing?.lease ?? null };
  });
}

/** Extends a lease still held under this token; false when it was taken over (or released). */
export async function renewLease(db: Database, lease: LeaseRef, ttlMs: number): Promise<boolean> {
  const rows = await db
    .update(workLeases)
    .set({ renewedAt: sql`now()`, expiresAt: expiresIn(ttlMs) })
    .where(leaseIs(lease))
    .returning({ token: workLeases.token });
  return rows.length > 0;
}

/** Gives the unit up (a no-op when the lease was already taken over). */
export async function releaseLease(db: Database | Tx, lease: LeaseRef): Promise<void> {
  await db.delete(workLeases).where(leaseIs(lease));
}

/** Whether this token still holds the lease; within a transaction, locks it until commit. */
export async function holdsLease(db: Database | Tx, lease: LeaseRef): Promise<boolean> {
  const rows = await db.select({ token: workLeases.token }).from(workLeases).where(leaseIs(lease)).for("update");
  return rows.length > 0;
}

/** The live lease on a unit, if any (for operators' messages). */
export async function liveLease(
  db: Database | Tx,
  videoId: string,
  unit: string,
): Promise<(WorkLeaseRow & { renewedSecondsAgo: number }) | null> {
  const [row] = await db
    .select({ lease: workLeases, renewedSecondsAgo: sql<number>`extract(epoch from now() - ${workLeases.renewedAt})::float8` })
    .from(workLeases)
    .where(and(eq(workLeases.videoId, videoId), eq(workLeases.unit, unit), gt(workLeases.expiresAt, sql`now()`)));
  return row ? { ...row.lease, renewedSecondsAgo: row.renewedSecondsAgo } : null;
}

/**
 * Removes an expired (or absent) lease on a unit so that the work can be handed to someone else;
 * false when a live lease stands. Call inside the transaction that hands the work back.
 */
export async function clearExpiredLease(tx: Tx, videoId: string, unit: string): Promise<boolean> {
  const [existing] = await tx
    .select({ live: sql<boolean>`${workLeases.expiresAt} > now()` })
    .from(workLeases)
    .where(and(eq(workLeases.videoId, videoId), eq(workLeases.unit, unit)))
    .for("update");
  if (existing?.live) return false;
  if (existing) await tx.delete(workLeases).where(and(eq(workLeases.videoId, videoId), eq(workLeases.unit, unit)));
  return true;
}

export function leaseIs(lease: LeaseRef) {
  return and(eq(workLeases.videoId, lease.videoId), eq(workLeases.unit, lease.unit), eq(workLeases.token, lease.token));
}
