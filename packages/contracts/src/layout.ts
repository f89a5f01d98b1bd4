/** The guide's output layout (docs/encoding-guide.md §2, §7): the master playlist and the segments folder under videos/<id>/. */
export const MASTER_PLAYLIST = "master.m3u8";
export const SEGMENTS_DIR = "segments";
/** The quality-control report beside the guide's files (outside its layout): `videos/<id>/qc.json`. */
export const QC_REPORT = "qc.json";

/** Where things live in the bucket. The video id has been validated (contracts/ids). */
export function uploadKey(videoId: string, filename = "source"): string {
  const safe =
    filename
      .replace(/[^A-Za-z0-9._-]/g, "_")
      .replace(/^\.+/, "_")
      .slice(0, 100) || "source";
  return `uploads/${videoId}/${safe}`;
}
export function uploadPrefix(videoId: string): string {
  return `uploads/${videoId}/`;
}
/**
 * Intermediate files services hand each other through the bucket (a chunked encode's normalized
 * source and whole-source audio, a single run's staged output); deleted with the upload once the
 * video is READY.
 */
export function workPrefix(videoId: string): string {
  return `work/${videoId}/`;
}
export function workKey(videoId: string, filename: string): string {
  return `${workPrefix(videoId)}${filename.replace(/[^A-Za-z0-9._-]/g, "_")}`;
}
/**
 * A single-run encode's verified output, staged by the encoder for the uploader (which may run on
 * another host) under the work prefix: the uploader copies it to videoPrefix, cleanUp deletes it.
 */
export function stagedOutputPrefix(videoId: string): string {
  return `${workPrefix(videoId)}output/`;
}
export function videoPrefix(videoId: string): string {
  return `videos/${videoId}/`;
}

export const CONTENT_TYPES: Record<string, string> = {
  ".m3u8": "application/vnd.apple.mpegurl",
  ".ts": "video/mp2t",
  ".log": "text/plain; charset=utf-8",
  ".jpg": "image/jpeg",
  ".vtt": "text/vtt; charset=utf-8",
  ".mp4": "video/mp4",
  ".json": "application/json",
};

export function contentTypeFor(key: string): string {
  const ext = key.slice(key.lastIndexOf("."));
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}

/**
 * Segments never change once written. Images (poster, thumbnails, storyboard sheets) are made
 * once per encode: a day, which the playback route shortens to the token's remaining life, so a
 * library shows cached posters without asking again. Playlists and everything else are revalidated
 * on every use: a chunked encode's EVENT playlists grow while the video plays (and turn into VOD
 * ones), a re-encode replaces them, and caption tracks change when a language is uploaded again.
 */
export function cacheControlFor(key: string): string {
  if (key.endsWith(".ts")) return "public, max-age=31536000, immutable";
  if (key.endsWith(".jpg")) return "public, max-age=86400";
  return "no-cache";
}

/** Where an operator reads a video's job logs (ffmpeg output of each encode attempt). */
export function logKey(videoId: string, filename: string): string {
  return `logs/${videoId}/${filename.replace(/[^A-Za-z0-9._-]/g, "_")}`;
}
