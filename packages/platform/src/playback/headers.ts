import { cacheControlFor, contentTypeFor, DOWNLOAD_DIR } from "@aq/contracts";

/** Response headers a cross-origin player needs to read (hls.js reads lengths and ranges). */
export const PLAYBACK_EXPOSED_HEADERS = "Content-Length, Content-Range, Accept-Ranges, ETag";

/** One byte range, the form players send; anything else is ignored and the whole object served. */
const SINGLE_RANGE = /^bytes=(\d+-\d*|-\d+)$/;

export function isSingleByteRange(header: string | null | undefined): header is string {
  return typeof header === "string" && SINGLE_RANGE.test(header);
}

/** The HLS content type for the file name; the stored type only for names the layout does not know. */
export function playbackContentType(key: string, stored: string | undefined): string {
  const known = contentTypeFor(key);
  return known === "application/octet-stream" && stored ? stored : known;
}

/** The object's usual caching, but never beyond the token's expiry (a cache would go on serving it). */
export function playbackCacheControl(key: string, expiry: number, nowSeconds = Math.floor(Date.now() / 1000)): string {
  const base = cacheControlFor(key);
  const maxAge = Number(/max-age=(\d+)/.exec(base)?.[1] ?? 0);
  const remaining = Math.max(0, expiry - nowSeconds);
  return remaining < maxAge ? `public, max-age=${remaining}` : base;
}

/** Playlists are text and shrink well; segments are already compressed. */
export function isPlaylist(key: string): boolean {
  return key.endsWith(".m3u8");
}

/** Objects that never change once written (segments): an edge may keep them as long as it likes. */
export function isImmutable(key: string): boolean {
  return cacheControlFor(key).includes("immutable");
}

/**
 * Downloads (videos/<id>/download/<name>.mp4) are saved under their name rather than played in
 * the tab; the name is already restricted to [A-Za-z0-9._-] by the playback path's pattern.
 */
export function playbackContentDisposition(request: { path: string }): string | undefined {
  const prefix = `${DOWNLOAD_DIR}/`;
  if (!request.path.startsWith(prefix)) return undefined;
  return `attachment; filename="${request.path.slice(request.path.lastIndexOf("/") + 1)}"`;
}
