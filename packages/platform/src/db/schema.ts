import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import type { TreeEntry } from "../storage/upload-directory.js";
import type {
  CaptionTrack,
  ChunkStatus,
  PendingCaption,
  ErrorValue,
  MediaInfo,
  RenditionPlan,
  VideoAssets,
  VideoStatus,
} from "@aq/contracts";

/** A rung as produced: the name is the short side ("720p"). */
export interface StoredRendition {
  name: string;
  width: number;
  height: number;
  bandwidth: number;
  averageBandwidth?: number;
}

/** The inputs a chunked encode shares through the bucket (no disk is shared between encoders). */
export interface ChunkSource {
  /** The normalized source (work/<id>/normalized.mp4 or .mkv). */
  normalizedKey: string;
  /**
   * Its first seconds (work/<id>/head.mp4 or .mkv), put in the bucket before it: what the first
   * chunk reads. Set only until the planner has put the whole file and audio there (sharedInputsPending).
   */
  headKey?: string;
  /** Probed from the normalized file: its stream indices and duration are what chunks read. */
  info: MediaInfo;
  /** The whole-source AAC tracks, one per bit rate of the ladder; empty without audio. */
  audio: { bitrateKbps: number; key: string }[];
}

export const videos = pgTable(
  "videos",
  {
    id: text("id").primaryKey(),
    title: text("title"),
    status: text("status").$type<VideoStatus>().notNull(),
    /** "upload": an object key in the bucket; "url": an http(s)/s3 URL the probe fetches. */
    sourceKind: text("source_kind").$type<"upload" | "url" | "file">().notNull(),
    sourceLocation: text("source_location").notNull(),
    sourceSizeBytes: bigint("source_size_bytes", { mode: "number" }),
    /** A direct upload's multipart upload id in the bucket (null for a single PUT), kept until the upload completes or is aborted. */
    multipartUploadId: text("multipart_upload_id"),
    /** The size of every part but the last, for a multipart upload. */
    uploadPartBytes: bigint("upload_part_bytes", { mode: "number" }),
    /** When a direct upload must be complete; the gateway's upload sweep deletes the video after that. */
    uploadExpiresAt: timestamp("upload_expires_at", { withTimezone: true, mode: "date", precision: 3 }),
    /** The probe stage's verdict and plan: the encoder encodes exactly this plan. */
    probe: jsonb("probe").$type<MediaInfo>(),
    plannedRenditions: jsonb("planned_renditions").$type<RenditionPlan[]>(),
    renditions: jsonb("renditions").$type<StoredRendition[]>(),
    progress: real("progress").notNull().default(0),
    attempts: integer("attempts").notNull().default(0),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    logLocation: text("log_location"),
    outputPrefix: text("output_prefix"),
    /** Whether the encoder also makes a progressive MP4 (createVideo's mp4Download or the gateway's default). */
    mp4Download: boolean("mp4_download").notNull().default(false),
    /**
     * A single-run encode's output as the encoder staged it in the bucket (contracts'
     * stagedOutputPrefix): every object's path and size, which the uploader copies and verifies.
     * Null for a chunked encode, whose encoders publish under videos/<id>/ themselves.
     */
    stagedOutput: jsonb("staged_output").$type<TreeEntry[]>(),
    /** Poster, thumbnails, storyboard and download made beside the HLS files; null before encoding. */
    assets: jsonb("assets").$type<VideoAssets>(),
    /** Caption tracks published in the master playlist, in the order listed. */
    captions: jsonb("captions").$type<CaptionTrack[]>().notNull().default([]),
    /** Caption tracks completed before READY, published when the video becomes READY (pipeline's captions.ts). */
    pendingCaptions: jsonb("pending_captions").$type<PendingCaption[]>().notNull().default([]),
    /** Chunks of a chunked encode (video_chunks rows); null for a single-run encode. */
    chunkCount: integer("chunk_count"),
    /** What every chunk encode reads, in the bucket: written by the planner with the chunk rows. */
    chunkSource: jsonb("chunk_source").$type<ChunkSource>(),
    /** Chunks whose segments the published (EVENT) playlists list: a contiguous prefix that only grows. */
    publishedChunks: integer("published_chunks").notNull().default(0),
    /** When the master playlist and the first chunk of every rung reached the bucket: playable from then on. */
    playableAt: timestamp("playable_at", { withTimezone: true, mode: "date" }),
    // Millisecond precision, as JavaScript dates have: a page cursor built from a row's
    // created_at then compares equal to the stored value.
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date", precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    statusChangedAt: timestamp("status_changed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("videos_status_changed_idx").on(t.status, t.statusChangedAt), index("videos_created_idx").on(t.createdAt, t.id)],
);

/**
 * What a history row records: a status change, or the moment a chunked video became playable.
 * Both are webhook events that must reach endpoints in the order they happened, so they share
 * the table (and so its id sequence, which orders a video's deliveries); `Video.history` lists
 * the status changes only.
 */
export type HistoryEntryKind = "status" | "playable";

export const videoStatusHistory = pgTable(
  "video_status_history",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    videoId: text("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    kind: text("kind").$type<HistoryEntryKind>().notNull().default("status"),
    fromStatus: text("from_status").$type<VideoStatus>(),
    toStatus: text("to_status").$type<VideoStatus>().notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    detail: text("detail"),
    /** The change as a webhook event: its stable id, and the error it announced (REJECTED, FAILED_*). */
    eventId: uuid("event_id").notNull().defaultRandom(),
    error: jsonb("error").$type<ErrorValue>(),
  },
  (t) => [
    index("video_status_history_video_idx").on(t.videoId, t.id),
    uniqueIndex("video_status_history_event_idx").on(t.eventId),
    index("video_status_history_at_idx").on(t.at),
  ],
);

/**
 * One owner at a time for each unit of pipeline work: a stage of a video ("probe", "encoder",
 * "uploader"), or a finer unit under it later (e.g. "encoder/chunk-0003"), keyed the same way.
 * The token is the owner's proof: every write the work makes names it, so a worker whose lease
 * was taken over can no longer change anything. Expiry is on the database clock.
 */
export const workLeases = pgTable(
  "work_leases",
  {
    videoId: text("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    unit: text("unit").notNull(),
    token: uuid("token").notNull(),
    /** Which process holds it (host:pid), for operators and log lines. */
    owner: text("owner").notNull(),
    acquiredAt: timestamp("acquired_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    renewedAt: timestamp("renewed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.videoId, t.unit] }), index("work_leases_expires_idx").on(t.expiresAt)],
);

/** One segment of a rung as a chunk encode wrote it: `segments/<rung>_<NNN>.ts`. */
export interface StoredSegment {
  uri: string;
  durationSeconds: number;
  bytes: number;
}

/** A done chunk's rung, as the media core's encodeChunk reports it: what the playlists are built from. */
export interface StoredChunkRendition {
  name: string;
  /** RFC 6381 video codec read from the rung's first segment. */
  videoCodec: string;
  segments: StoredSegment[];
}

/**
 * One time range of a chunked encode (see contracts/chunks.ts): the barrier of the fan-in. A
 * chunk is done once its segments of every rung are in the bucket; the row then lists them.
 */
export const videoChunks = pgTable(
  "video_chunks",
  {
    videoId: text("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    index: integer("index").notNull(),
    startSeconds: doublePrecision("start_seconds").notNull(),
    durationSeconds: doublePrecision("duration_seconds").notNull(),
    firstSegment: integer("first_segment").notNull(),
    segmentCount: integer("segment_count").notNull(),
    status: text("status").$type<ChunkStatus>().notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** Times the chunk's job was queued: part of its message id, so a re-queue is a new message. */
    round: integer("round").notNull().default(0),
    /** The process (host:pid) of the latest attempt. */
    encoder: text("encoder"),
    /** The latest attempt's ffmpeg log in the bucket. */
    logLocation: text("log_location"),
    /** Per rung, the chunk's segments in order, once done (they are in the bucket then). */
    renditions: jsonb("renditions").$type<StoredChunkRendition[]>(),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.videoId, t.index] }), index("video_chunks_status_idx").on(t.status, t.updatedAt)],
);

/**
 * Transactional outbox: a status change and the event announcing it are written in one
 * transaction; a relay claims pending rows for a short while (no lock held while it
 * publishes), publishes them with a stable message id and deletes them.
 */
export const outbox = pgTable("outbox", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  subject: text("subject").notNull(),
  payload: jsonb("payload").notNull(),
  /** The JetStream message id when the event has one of its own (a chunk job); else derived from the row. */
  messageId: text("message_id"),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  /** A relay is publishing the row until then; after it, another relay may. */
  claimedUntil: timestamp("claimed_until", { withTimezone: true, mode: "date" }),
});

/**
 * Where webhook events go: registered through the API, or declared in WEBHOOK_ENDPOINTS (the
 * webhook service writes those at start). The secret is stored encrypted (webhooks/secret-box.ts)
 * because it must be read back to sign; the API shows it once, at creation.
 */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  /** The event types sent (WEBHOOK_EVENT_TYPES); empty: all of them. */
  events: jsonb("events").$type<string[]>().notNull(),
  encryptedSecret: text("encrypted_secret").notNull(),
  enabled: boolean("enabled").notNull().default(true),
  source: text("source").$type<"api" | "config">().notNull(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date", precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

export type WebhookDeliveryState = "pending" | "delivered" | "failed";

/**
 * One event for one endpoint: sent until the endpoint answers 2xx or its retry window (`retry_until`) is over.
 * `change_id` (the history row) orders a video's events; only the oldest pending one of each
 * (endpoint, video) may be sent, so a video's events arrive in order.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    endpointId: text("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: uuid("event_id").notNull(),
    changeId: bigint("change_id", { mode: "number" }).notNull(),
    videoId: text("video_id").notNull(),
    eventType: text("event_type").notNull(),
    state: text("state").$type<WebhookDeliveryState>().notNull().default("pending"),
    /** Tries since the delivery was queued (or re-queued by a replay): the backoff counts from it. */
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    /** Set at the first try (the retry window counts from it); a replay clears it. */
    retryUntil: timestamp("retry_until", { withTimezone: true, mode: "date" }),
    /** A webhook service is sending it until then; after it (the sender died), another may. */
    claimedUntil: timestamp("claimed_until", { withTimezone: true, mode: "date" }),
    /** Names the claim: only the try that holds it may record its outcome (not one overtaken by a replay or another sender). */
    claimToken: uuid("claim_token"),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_idx").on(t.endpointId, t.eventId),
    index("webhook_deliveries_due_idx").on(t.state, t.nextAttemptAt),
    index("webhook_deliveries_chain_idx").on(t.endpointId, t.videoId, t.changeId),
  ],
);

/** Every try of a delivery, for the delivery log: the response code, or why there was none. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    deliveryId: bigint("delivery_id", { mode: "number" })
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    statusCode: integer("status_code"),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.id)],
);

export type VideoRow = typeof videos.$inferSelect;
export type NewVideoRow = typeof videos.$inferInsert;
export type StatusChangeRow = typeof videoStatusHistory.$inferSelect;
export type WorkLeaseRow = typeof workLeases.$inferSelect;
export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
export type VideoChunkRow = typeof videoChunks.$inferSelect;
