import { and, asc, eq, lt } from "drizzle-orm";
import type { VideoStatus } from "@aq/contracts";
import type { Database } from "./client.js";
import { videos, type VideoRow } from "./schema.js";

/** Videos in a status that were created before a time, oldest first, at most `limit`. */
export async function listVideosCreatedBefore(db: Database, status: VideoStatus, before: Date, limit: number): Promise<VideoRow[]> {
  return db
    .select()
    .from(videos)
    .where(and(eq(videos.status, status), lt(videos.createdAt, before)))
    .orderBy(asc(videos.createdAt))
    .limit(limit);
}
