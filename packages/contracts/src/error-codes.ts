/**
 * Stable error codes. Clients match on these; messages are for people and may change.
 */
export const ERROR_CODES = [
  // source validation
  "SOURCE_NOT_FOUND",
  "SOURCE_UNREADABLE",
  "SOURCE_EMPTY",
  "SOURCE_NOT_MEDIA",
  "SOURCE_UNSUPPORTED_FORMAT",
  "SOURCE_NO_VIDEO",
  "SOURCE_TOO_SHORT",
  "SOURCE_TOO_SMALL",
  "SOURCE_TOO_LARGE",
  "SOURCE_FETCH_FAILED",
  "SOURCE_URL_REFUSED",
  // encoding
  "ENCODE_FAILED",
  "ENCODE_INCOMPLETE",
  "ENCODE_TIMEOUT",
  "ENCODE_STALLED",
  "ENCODE_ABORTED",
  "NORMALIZE_FAILED",
  "VERIFY_FAILED",
  /** A quality-control measurement failed: logged and listed as a warning in the report, never a failed video. */
  "QC_FAILED",
  /** A chunk job found its shared input (the normalized source or audio under work/<id>/) gone from the bucket. */
  "CHUNK_INPUT_MISSING",
  "INSUFFICIENT_DISK",
  "FFMPEG_MISSING",
  // storage
  "UPLOAD_FAILED",
  "UPLOAD_MISMATCH",
  /** completeVideoUpload of a multipart upload whose parts are missing, of the wrong size, or not the ones listed (ETags). */
  "UPLOAD_INCOMPLETE",
  "CLEANUP_FAILED",
  // misc
  /** A request's input the client can correct; the message says what is wrong. */
  "INVALID_INPUT",
  "INVALID_VIDEO_ID",
  "INVALID_CONFIG",
  "INVALID_EVENT",
  "NOT_FOUND",
  "NOT_RETRYABLE",
  "INTERNAL",
  // media core
  "SOURCE_TOO_LONG",
  "OUTPUT_NOT_EMPTY",
  // captions and other files beside the video
  "CAPTION_INVALID",
  /** Captions for a video that failed or was rejected: it will not become READY without a retry. */
  "VIDEO_FAILED",
  // webhooks
  "WEBHOOK_URL_REFUSED",
  "WEBHOOKS_NOT_CONFIGURED",
  // dry-run plans
  /** planVideo got no answer from a probe service in time (none running, or all busy). */
  "PLAN_UNAVAILABLE",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];
