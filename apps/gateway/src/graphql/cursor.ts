import { AqError, isVideoId } from "@aq/contracts";
import type { VideoPageCursor } from "@aq/platform/db";

/** Opaque to clients: base64url of the keyset position (creation time, id) of the last row of a page. */
export function encodeCursor(cursor: VideoPageCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`).toString("base64url");
}

export function decodeCursor(text: string): VideoPageCursor {
  const [time = "", id = "", ...rest] = Buffer.from(text, "base64url").toString("utf8").split("|");
  const createdAt = new Date(time);
  if (rest.length || !isVideoId(id) || Number.isNaN(createdAt.getTime())) {
    throw new AqError("INVALID_INPUT", "`after` is not a cursor returned by this API (use pageInfo.endCursor)");
  }
  return { createdAt, id };
}
