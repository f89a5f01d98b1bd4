import type { NatsConnection, Subscription } from "@nats-io/nats-core";
import {
  isVideoId,
  playableEventSchema,
  playableSubject,
  progressEventSchema,
  progressSubject,
  statusEventSchema,
  videoStatusSubjects,
  type PlayableEvent,
  type ProgressEvent,
  type StatusEvent,
} from "@aq/contracts";
import { AqError } from "@aq/contracts";

/** Live progress: core NATS, not stored; a subscriber that is away misses nothing it needs later. */
export function publishProgress(nc: NatsConnection, event: ProgressEvent): void {
  nc.publish(progressSubject(event.videoId), JSON.stringify(event));
}

export type VideoUpdate =
  { kind: "status"; event: StatusEvent } | { kind: "progress"; event: ProgressEvent } | { kind: "playable"; event: PlayableEvent };

export interface VideoSubscription extends AsyncIterable<VideoUpdate> {
  unsubscribe(): void;
}

/** Updates kept for a slow reader; the oldest are dropped beyond this (newer ones supersede them). */
const MAX_BUFFERED = 1000;

/**
 * Status changes, progress and the moment it becomes playable, of one video as they happen, from core subscriptions (status
 * events published to JetStream reach core subscribers too). Malformed messages are skipped.
 * Iteration ends on unsubscribe(), on `break`, or when the connection closes.
 */
export function subscribeVideo(nc: NatsConnection, videoId: string): VideoSubscription {
  if (!isVideoId(videoId)) throw new AqError("INVALID_VIDEO_ID", `"${videoId}" is not a valid video id`);
  const buffer: VideoUpdate[] = [];
  let waiting: (() => void) | undefined;
  let ended = false;
  const notify = () => {
    waiting?.();
    waiting = undefined;
  };
  const push = (update: VideoUpdate) => {
    if (buffer.length >= MAX_BUFFERED) buffer.shift();
    buffer.push(update);
    notify();
  };
  const subs: Subscription[] = [
    nc.subscribe(videoStatusSubjects(videoId), {
      callback: (error, msg) => {
        if (error) return;
        const parsed = statusEventSchema.safeParse(safeJson(msg.data));
        if (parsed.success) push({ kind: "status", event: parsed.data });
      },
    }),
    nc.subscribe(progressSubject(videoId), {
      callback: (error, msg) => {
        if (error) return;
        const parsed = progressEventSchema.safeParse(safeJson(msg.data));
        if (parsed.success) push({ kind: "progress", event: parsed.data });
      },
    }),
    nc.subscribe(playableSubject(videoId), {
      callback: (error, msg) => {
        if (error) return;
        const parsed = playableEventSchema.safeParse(safeJson(msg.data));
        if (parsed.success) push({ kind: "playable", event: parsed.data });
      },
    }),
  ];
  const end = () => {
    if (ended) return;
    ended = true;
    for (const sub of subs) if (!sub.isClosed()) sub.unsubscribe();
    notify();
  };
  for (const sub of subs) void sub.closed.then(end, end);

  return {
    unsubscribe: end,
    [Symbol.asyncIterator](): AsyncIterator<VideoUpdate> {
      return {
        async next() {
          while (!buffer.length && !ended) await new Promise<void>((resolve) => (waiting = resolve));
          const value = buffer.shift();
          return value ? { value, done: false } : { value: undefined, done: true };
        },
        async return() {
          end();
          return { value: undefined, done: true };
        },
      };
    },
  };
}

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}
