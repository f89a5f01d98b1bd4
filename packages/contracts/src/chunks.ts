import { z } from "zod";
import type { VideoStatus } from "./status.js";

/**
 * Segment-chunked encoding (issue #13): a long source is cut into time ranges of whole segments,
 * each encoded in every rung by whichever encoder instance pulls its job. A chunk row in Postgres
 * is the barrier: the encoder that records the last chunk done writes the final playlists.
 *
 *   pending -> encoding -> done
 *                       -> pending   (attempt failed once, or its owner died: queued again)
 *                       -> failed    (ENCODE_ATTEMPTS used up: the video ends failed_encoding)
 *   failed -> pending                (retryVideo re-runs the chunks that are not done)
 */
export const CHUNK_STATUSES = ["pending", "encoding", "done", "failed"] as const;
export const chunkStatusSchema = z.enum(CHUNK_STATUSES);
export type ChunkStatus = z.infer<typeof chunkStatusSchema>;

/** One time range of the source, encoded in every rung by one chunk job (the media core's planChunks makes them). */
export interface ChunkRange {
  /** 0-based, in playback order. */
  index: number;
  /** On the segment grid: a multiple of the segment length. */
  startSeconds: number;
  /** Whole segments, except the last chunk's, which runs to the end of the source. */
  durationSeconds: number;
  /** Number of its first segment (`segments/<rung>_<NNN>.ts`). */
  firstSegment: number;
  /** Segments it writes in each rung (the last chunk's counts a partial last segment). */
  segmentCount: number;
  /** The last chunk reads to the end of the source instead of stopping at startSeconds + durationSeconds. */
  last: boolean;
}

/** What a chunk's row keeps of its range: which chunk is last follows from the highest index. */
export type StoredChunkRange = Omit<ChunkRange, "last">;

/** Chunk jobs are a work queue of their own in the pipeline stream, pulled by every encoder instance. */
export const CHUNK_SUBJECTS = "aq.chunk.>";
export const CHUNK_CONSUMER = { durable: "encoder-chunks", filterSubject: CHUNK_SUBJECTS } as const;

export function chunkSubject(videoId: string, index: number): string {
  return `aq.chunk.${videoId}.${index}`;
}

/**
 * One message per chunk and queueing round: JetStream drops a second publish with the same id
 * (the outbox relay re-publishing, a planner run twice), while a chunk queued again by a retry or
 * the sweep gets a new round and so a new message.
 */
export function chunkMessageId(videoId: string, index: number, round: number): string {
  return `chunk-${videoId}-${index}-${round}`;
}

export const chunkJobSchema = z.object({
  v: z.literal(1),
  videoId: z.string(),
  index: z.number().int().nonnegative(),
  round: z.number().int().nonnegative(),
  at: z.string(),
});
export type ChunkJob = z.infer<typeof chunkJobSchema>;

/** The lease unit of one chunk's encode (work_leases is keyed by video and unit). */
export function chunkLeaseUnit(index: number): string {
  return `encoder/chunk-${String(index).padStart(4, "0")}`;
}

/** The file name of one chunk attempt's ffmpeg log under logs/<id>/. */
export function chunkLogName(index: number, attempt: number): string {
  return `encode-chunk-${String(index).padStart(4, "0")}-attempt-${attempt}.log`;
}

/**
 * Announced once, when the master playlist and the first chunk's segments of every rung are in
 * the bucket: from then on the video plays (a growing EVENT playlist until it is READY).
 */
export function playableSubject(videoId: string): string {
  return `aq.playable.${videoId}`;
}
export const PLAYABLE_SUBJECTS = "aq.playable.>";

export const playableEventSchema = z.object({
  v: z.literal(1),
  videoId: z.string(),
  /** Seconds of the video playable so far (the done chunks' prefix). */
  playableSeconds: z.number().nonnegative(),
  at: z.string(),
});
export type PlayableEvent = z.infer<typeof playableEventSchema>;

/**
 * Whether a video can be played: READY, or, once a chunked encode made it playable early, on its
 * way there (encoding, encoded, uploading). A failed or deleted video is not played.
 */
export function canPlay(status: VideoStatus, playableEarly: boolean): boolean {
  return status === "ready" || (playableEarly && (status === "encoding" || status === "encoded" || status === "uploading"));
}
