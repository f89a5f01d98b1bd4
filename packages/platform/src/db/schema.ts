import { sql } from "drizzle-orm";
import { bigint, bigserial, index, integer, jsonb, pgTable, real, text, timestamp } from "drizzle-orm/pg-core";
import type { VideoStatus } from "@aq/contracts";

/** The probe result as stored on the row (the media core's metadata, serialised). */
export type StoredProbe = Record<string, unknown>;
/** A rung as planned or produced: the name is the short side ("720p"). */
export interface StoredRendition {
  name: string;
  width: number;
  height: number;
  bandwidth: number;
  averageBandwidth?: number;
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
    probe: jsonb("probe").$type<StoredProbe>(),
    plannedRenditions: jsonb("planned_renditions").$type<StoredRendition[]>(),
    renditions: jsonb("renditions").$type<StoredRendition[]>(),
    progress: real("progress").notNull().default(0),
    attempts: integer("attempts").notNull().default(0),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    logLocation: text("log_location"),
    outputPrefix: text("output_prefix"),
    // Millisecond precision, as JavaScript dates have: a page cursor built from a row's
    // created_at then compares equal to the stored value.
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date", precision: 3 }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    statusChangedAt: timestamp("status_changed_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [index("videos_status_changed_idx").on(t.status, t.statusChangedAt), index("videos_created_idx").on(t.createdAt, t.id)],
);

export const videoStatusHistory = pgTable(
  "video_status_history",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    videoId: text("video_id")
      .notNull()
      .references(() => videos.id, { onDelete: "cascade" }),
    fromStatus: text("from_status").$type<VideoStatus>(),
    toStatus: text("to_status").$type<VideoStatus>().notNull(),
    at: timestamp("at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    detail: text("detail"),
  },
  (t) => [index("video_status_history_video_idx").on(t.videoId, t.id)],
);

/**
 * Transactional outbox: a status change and the event announcing it are written in one
 * transaction; a relay publishes pending rows with the row id as the message id.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    subject: text("subject").notNull(),
    payload: jsonb("payload").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    publishedAt: timestamp("published_at", { withTimezone: true, mode: "date" }),
  },
  (t) => [index("outbox_pending_idx").on(t.id).where(sql`${t.publishedAt} is null`)],
);

export type VideoRow = typeof videos.$inferSelect;
export type NewVideoRow = typeof videos.$inferInsert;
export type StatusChangeRow = typeof videoStatusHistory.$inferSelect;
