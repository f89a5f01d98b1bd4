import { and, asc, eq, inArray } from "drizzle-orm";
import type { Database } from "./client.js";
import { videoStatusHistory, type StatusChangeRow } from "./schema.js";

/** The status histories of several videos in one query (status changes only), oldest change first, in the order of `ids`. */
export async function getVideoHistories(db: Database, ids: readonly string[]): Promise<StatusChangeRow[][]> {
  const rows =
    ids.length === 0
      ? []
      : await db
          .select()
          .from(videoStatusHistory)
          .where(and(inArray(videoStatusHistory.videoId, [...ids]), eq(videoStatusHistory.kind, "status")))
          .orderBy(asc(videoStatusHistory.id));
  const byVideo = new Map<string, StatusChangeRow[]>(ids.map((id) => [id, []]));
  for (const row of rows) byVideo.get(row.videoId)?.push(row);
  return ids.map((id) => byVideo.get(id) ?? []);
}
