import { z } from "zod";
import { videoStatusSchema, type VideoStatus } from "./status.js";
import { CHUNK_SUBJECTS, PLAYABLE_SUBJECTS } from "./chunks.js";

/**
 * Subjects. Status events carry the video id and the new status in the subject so that a
 * durable consumer can filter one stage (`aq.video.*.probed`) and a subscriber one video
 * (`aq.video.<id>.>`).
 */
export const PIPELINE_STREAM = "AQ_PIPELINE";
export const PIPELINE_SUBJECTS = ["aq.video.>", CHUNK_SUBJECTS, PLAYABLE_SUBJECTS];

export function statusSubject(videoId: string, status: VideoStatus): string {
  return `aq.video.${videoId}.${status}`;
}
export function videoStatusSubjects(videoId: string): string {
  return `aq.video.${videoId}.>`;
}
export function progressSubject(videoId: string): string {
  return `aq.progress.${videoId}`;
}

/**
 * Each stage of the pipeline: the status its durable consumer waits for, the status the video
 * holds while a worker is on it, and where it ends when the stage fails for good.
 */
export const WORK_CONSUMERS = {
  probe: { durable: "probe", status: "uploaded", working: "probing", failed: "rejected" },
  encoder: { durable: "encoder", status: "probed", working: "encoding", failed: "failed_encoding" },
  uploader: { durable: "uploader", status: "encoded", working: "uploading", failed: "failed_upload" },
} as const satisfies Record<string, { durable: string; status: VideoStatus; working: VideoStatus; failed: VideoStatus }>;
export type WorkerName = keyof typeof WORK_CONSUMERS;

export function workFilterSubject(worker: WorkerName): string {
  return `aq.video.*.${WORK_CONSUMERS[worker].status}`;
}

export const errorValueSchema = z.object({ code: z.string(), message: z.string() });
export type ErrorValue = z.infer<typeof errorValueSchema>;

export const statusEventSchema = z.object({
  v: z.literal(1),
  videoId: z.string(),
  status: videoStatusSchema,
  from: videoStatusSchema.nullable(),
  attempt: z.number().int().nonnegative(),
  at: z.string(),
  error: errorValueSchema.nullable(),
});
export type StatusEvent = z.infer<typeof statusEventSchema>;

export const progressEventSchema = z.object({
  v: z.literal(1),
  videoId: z.string(),
  status: videoStatusSchema,
  stage: z.string(),
  percent: z.number().min(0).max(100),
  fps: z.number().nullable(),
  speed: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  at: z.string(),
});
export type ProgressEvent = z.infer<typeof progressEventSchema>;
