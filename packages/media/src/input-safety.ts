import { resolve } from "node:path";

/**
 * Demuxers allowed to open a source. ffmpeg picks a demuxer from the content, not the file name:
 * an HLS playlist or an ffconcat list uploaded as `.mp4` would otherwise make ffmpeg read other
 * local files or fetch URLs (`-protocol_whitelist file` alone does not stop the local reads).
 * A demuxer outside this list fails with "Format not on whitelist" before it reads its header.
 */
export const ALLOWED_DEMUXERS = ["mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "flv", "mpegts"] as const;

/** Bytes and microseconds ffmpeg may read to detect the streams of a source. */
export const PROBE_SIZE_BYTES = 32 * 1024 * 1024;
export const ANALYZE_DURATION_US = 30_000_000;

/** Input options placed before every `-i` that opens a source or a file derived from one. */
export function inputSafetyArgs(): string[] {
  return [
    "-format_whitelist",
    ALLOWED_DEMUXERS.join(","),
    "-protocol_whitelist",
    "file",
    "-probesize",
    String(PROBE_SIZE_BYTES),
    "-analyzeduration",
    String(ANALYZE_DURATION_US),
  ];
}

/**
 * An absolute `file:` URL-like path: a name such as `http:x.mp4` or `concat:a|b` must not be
 * read as a protocol.
 */
export function fileArg(path: string): string {
  return `file:${resolve(path)}`;
}

/** The demuxer named in ffmpeg's "Format not on whitelist" error, when that is why opening failed. */
export function refusedDemuxer(stderr: string): string | null {
  const match = /\[([\w,-]+) @ [^\]]+\] Format not on whitelist/.exec(stderr);
  return match ? (match[1] ?? null) : stderr.includes("Format not on whitelist") ? "unknown" : null;
}
