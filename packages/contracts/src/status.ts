import { z } from "zod";

/** Every state a video can be in. The GraphQL enum is the upper-case form of these. */
export const VIDEO_STATUSES = [
  "awaiting_upload",
  "uploaded",
  "probing",
  "rejected",
  "probed",
  "encoding",
  "encoded",
  "uploading",
  "ready",
  "failed_encoding",
  "failed_upload",
  "deleted",
] as const;

export const videoStatusSchema = z.enum(VIDEO_STATUSES);
export type VideoStatus = z.infer<typeof videoStatusSchema>;

/** Statuses after which nothing more happens without an operator (retry or delete). */
export const TERMINAL_STATUSES = ["ready", "rejected", "failed_encoding", "failed_upload", "deleted"] as const satisfies readonly VideoStatus[];

export function isTerminalStatus(status: VideoStatus): boolean {
  return (TERMINAL_STATUSES as readonly VideoStatus[]).includes(status);
}

/** The pipeline stage a status belongs to, for progress displays. */
export const STAGE_OF_STATUS = {
  awaiting_upload: "upload",
  uploaded: "probe",
  probing: "probe",
  rejected: "probe",
  probed: "encode",
  encoding: "encode",
  encoded: "store",
  uploading: "store",
  ready: "done",
  failed_encoding: "encode",
  failed_upload: "store",
  deleted: "done",
} as const satisfies Record<VideoStatus, string>;
export type Stage = (typeof STAGE_OF_STATUS)[VideoStatus];
