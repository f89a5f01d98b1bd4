/** The shapes this app reads from the gateway (field names as in apps/gateway/schema.graphql). */

export const VIDEO_STATUSES = [
  "AWAITING_UPLOAD",
  "UPLOADED",
  "PROBING",
  "REJECTED",
  "PROBED",
  "ENCODING",
  "ENCODED",
  "UPLOADING",
  "READY",
  "FAILED_ENCODING",
  "FAILED_UPLOAD",
  "DELETED",
] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

const TERMINAL: ReadonlySet<VideoStatus> = new Set(["READY", "REJECTED", "FAILED_ENCODING", "FAILED_UPLOAD", "DELETED"]);
const RETRYABLE: ReadonlySet<VideoStatus> = new Set(["FAILED_ENCODING", "FAILED_UPLOAD"]);
/** Longer than any stage of a normal video; past it the gateway may re-queue a video on retryVideo. */
const STUCK_AFTER_MS = 15 * 60_000;

export function isTerminal(status: VideoStatus): boolean {
  return TERMINAL.has(status);
}

/** Failed videos, and videos that have not moved for a long time (the gateway decides whether they are stuck). */
export function canRetry(video: Pick<VideoSummary, "status" | "updatedAt">, now = Date.now()): boolean {
  if (RETRYABLE.has(video.status)) return true;
  return !isTerminal(video.status) && video.status !== "AWAITING_UPLOAD" && now - Date.parse(video.updatedAt) > STUCK_AFTER_MS;
}

export interface Rendition {
  name: string;
  width: number;
  height: number;
  bandwidth: number;
}

export interface VideoError {
  code: string;
  message: string;
}

export interface VideoSummary {
  id: string;
  title: string | null;
  status: VideoStatus;
  progress: number | null;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  error: VideoError | null;
  renditions: Rendition[];
  createdAt: string;
  updatedAt: string;
}

export interface UploadTarget {
  url: string;
  method: string;
  headers: { name: string; value: string }[];
  expiresAt: string;
}

export interface VideoProgress {
  videoId: string;
  status: VideoStatus;
  stage: string;
  percent: number;
  fps: number | null;
  speed: number | null;
  etaSeconds: number | null;
  error: VideoError | null;
  at: string;
}
