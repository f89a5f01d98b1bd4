import { and, asc, eq, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import { videos, type VideoRow } from "./schema.js";

/**
 * AWAITING_UPLOAD videos whose upload window closed before `now`, oldest first, at most
 * `limit`: the window is the row's upload_expires_at, or for rows written before that column
 * existed, created_at plus `defaultTtlSeconds`.
 */
export async function listExpiredUploads(db: Database, now: Date, defaultTtlSeconds: number, limit: number): Promise<VideoRow[]> {
  const expiry = sql`coalesce(${videos.uploadExpiresAt}, ${videos.createdAt} + make_interval(secs => ${defaultTtlSeconds}))`;
  return db
    .select()
    .from(videos)
    .where(and(eq(videos.status, "awaiting_upload"), sql`${expiry} < ${now.toISOString()}::timestamptz`))
    .orderBy(asc(videos.createdAt))
    .limit(limit);
}
