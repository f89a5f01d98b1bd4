import { z } from "zod";

/**
 * Every state a video can be in, in pipeline order: the forward path awaiting_upload -> ready
 * with each stage's way out (rejected after probing, failed_* after their stage), then deleted.
 * The GraphQL enum is the upper-case form of these, in the same order.
 */
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

/** The part of the pipeline a status belongs to (see GLOSSARY.md); progress displays show it. */
export type Stage = "upload" | "probe" | "encode" | "store" | "done";

interface StatusFacts {
  stage: Stage;
  /** On the way to READY; the others are ways out of it. */
  forward: boolean;
  /** Nothing more happens without an operator (retry or delete). */
  terminal: boolean;
  /** An operator's retry restarts the failed stage (REJECTED is a verdict a retry would only repeat). */
  retryable: boolean;
  /** The statuses a video may move to from this one (staying is also allowed for a redelivered stage). */
  next: readonly VideoStatus[];
}

/**
 * The status table: what each status means and where it may go. Workers move a video forward or
 * to their stage's failure; the stuck-work sweep and retryVideo hand a working status back to the
 * one its worker waits for; retryVideo restarts a failed stage; deleteVideo ends anything.
 */
export const STATUS_TABLE = {
  awaiting_upload: { stage: "upload", forward: true, terminal: false, retryable: false, next: ["uploaded", "deleted"] },
  uploaded: { stage: "probe", forward: true, terminal: false, retryable: false, next: ["probing", "rejected", "deleted"] },
  probing: { stage: "probe", forward: true, terminal: false, retryable: false, next: ["probed", "rejected", "uploaded", "deleted"] },
  rejected: { stage: "probe", forward: false, terminal: true, retryable: false, next: ["deleted"] },
  probed: { stage: "encode", forward: true, terminal: false, retryable: false, next: ["encoding", "failed_encoding", "deleted"] },
  encoding: {
    stage: "encode",
    forward: true,
    terminal: false,
    retryable: false,
    next: ["encoded", "failed_encoding", "probed", "deleted"],
  },
  encoded: { stage: "store", forward: true, terminal: false, retryable: false, next: ["uploading", "failed_upload", "deleted"] },
  uploading: { stage: "store", forward: true, terminal: false, retryable: false, next: ["ready", "failed_upload", "encoded", "deleted"] },
  ready: { stage: "done", forward: true, terminal: true, retryable: false, next: ["deleted"] },
  failed_encoding: { stage: "encode", forward: false, terminal: true, retryable: true, next: ["probed", "deleted"] },
  failed_upload: { stage: "store", forward: false, terminal: true, retryable: true, next: ["encoded", "deleted"] },
  deleted: { stage: "done", forward: false, terminal: true, retryable: false, next: [] },
} as const satisfies Record<VideoStatus, StatusFacts>;

const statusesWhere = (fact: "forward" | "terminal" | "retryable") => VIDEO_STATUSES.filter((status) => STATUS_TABLE[status][fact]);

/** The forward path in order; a status's position tells whether an update is ahead or behind. */
export const PIPELINE_PATH: readonly VideoStatus[] = statusesWhere("forward");
/** Statuses after which nothing more happens without an operator (retry or delete). */
export const TERMINAL_STATUSES: readonly VideoStatus[] = statusesWhere("terminal");
export const RETRYABLE_STATUSES: readonly VideoStatus[] = statusesWhere("retryable");

export const STAGE_OF_STATUS = Object.fromEntries(VIDEO_STATUSES.map((status) => [status, STATUS_TABLE[status].stage])) as {
  readonly [S in VideoStatus]: (typeof STATUS_TABLE)[S]["stage"];
};

export function isTerminalStatus(status: VideoStatus): boolean {
  return STATUS_TABLE[status].terminal;
}

export function isRetryableStatus(status: VideoStatus): boolean {
  return STATUS_TABLE[status].retryable;
}

/** Whether `to` is a move the status table allows from `from` (staying put included). */
export function canTransition(from: VideoStatus, to: VideoStatus): boolean {
  return from === to || (STATUS_TABLE[from].next as readonly VideoStatus[]).includes(to);
}

/** True when `status` is further along the forward path than `than` (false off the path). */
export function isFurtherAlong(status: VideoStatus, than: VideoStatus): boolean {
  const position = PIPELINE_PATH.indexOf(than);
  return position >= 0 && PIPELINE_PATH.indexOf(status) > position;
}

/**
 * How long a video may sit in a status a worker waits for or works in before it counts as stuck
 * (the sweep re-queues it, retryVideo accepts it). STUCK_AFTER_SECONDS overrides it per
 * deployment; clients that cannot read the server's setting use this default.
 */
export const DEFAULT_STUCK_AFTER_SECONDS = 900;

/** Statuses a video can get stuck in: waiting for or held by a worker (not waiting for its upload). */
export function canBeStuck(status: VideoStatus): boolean {
  return !isTerminalStatus(status) && status !== "awaiting_upload";
}

/** A status as the GraphQL API spells it. */
export type ApiVideoStatus = Uppercase<VideoStatus>;

export function toApiStatus(status: VideoStatus): ApiVideoStatus {
  return status.toUpperCase() as ApiVideoStatus;
}

export function fromApiStatus(status: ApiVideoStatus): VideoStatus {
  return status.toLowerCase() as VideoStatus;
}
