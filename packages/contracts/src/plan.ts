import { z } from "zod";
import { errorValueSchema } from "./events.js";

/**
 * A dry-run plan asked of the probe service (GraphQL `planVideo`): the gateway has no ffmpeg,
 * so it sends a core NATS request and one probe-service instance (a queue group) answers with
 * what the pipeline would do with the source. Request/reply, not JetStream: a plan is not
 * durable work, and an asker that gave up wants no answer later. Outside the pipeline stream's
 * subjects, so JetStream never stores these messages.
 */
export const PLAN_SUBJECT = "aq.plan";
export const PLAN_QUEUE_GROUP = "probe-plan";

export const planRequestSchema = z.object({
  v: z.literal(1),
  source: z.discriminatedUnion("kind", [
    /** A sourceUrl, fetched under createVideo's rules (http(s) to public addresses, or s3:// in the service's bucket). */
    z.object({ kind: z.literal("url"), url: z.string() }),
    /** The object key of a direct upload in the service's bucket. */
    z.object({ kind: z.literal("upload"), key: z.string() }),
  ]),
  /** How long the asker waits: the responder stops working on it after that. */
  timeoutMs: z.number().int().positive(),
});
export type PlanRequest = z.infer<typeof planRequestSchema>;

/** One rung as the encoder would make it. */
export const plannedRenditionSchema = z.object({
  name: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  /** As ffmpeg's fps filter takes it, e.g. "30000/1001". */
  frameRate: z.string(),
  videoBitrateKbps: z.number(),
  maxrateKbps: z.number(),
  bufsizeKbps: z.number(),
  /** Null for a source without audio. */
  audioBitrateKbps: z.number().nullable(),
  /** Declared peak in bits/s (video maxrate + audio). */
  bandwidth: z.number().int(),
});

export const videoPlanSchema = z.object({
  source: z.object({
    container: z.string(),
    durationSeconds: z.number().nullable(),
    /** Display size (sample aspect ratio and rotation applied). */
    width: z.number().int(),
    height: z.number().int(),
    frameRate: z.number(),
    videoCodec: z.string(),
    hdr: z.boolean(),
    audioCodec: z.string().nullable(),
    audioChannels: z.number().int().nullable(),
  }),
  renditions: z.array(plannedRenditionSchema),
  /** The encode's arguments after `ffmpeg`, reading the normalized copy the encoder makes first. */
  ffmpegArgs: z.array(z.string()),
  estimate: z.object({
    /** Null for an x264 preset the bench has not timed. */
    cpuSeconds: z.number().nullable(),
    /** cpuSeconds over the answering host's cores: a lower bound. */
    encodeSeconds: z.number().nullable(),
    /** Every rung at its cap for the whole duration: the most the encode would store. */
    storedBytesAtMost: z.number(),
  }),
});
export type VideoPlan = z.infer<typeof videoPlanSchema>;

/**
 * `planned`: the source passes the probe stage's checks. `rejected`: the verdict the probe stage
 * would record (its SOURCE_* code). `failed`: no verdict, something on the service's side failed.
 */
export const planReplySchema = z.discriminatedUnion("outcome", [
  z.object({ v: z.literal(1), outcome: z.literal("planned"), plan: videoPlanSchema }),
  z.object({ v: z.literal(1), outcome: z.literal("rejected"), error: errorValueSchema }),
  z.object({ v: z.literal(1), outcome: z.literal("failed"), error: errorValueSchema }),
]);
export type PlanReply = z.infer<typeof planReplySchema>;
