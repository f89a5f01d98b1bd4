import {
  AqError,
  canPlay,
  STAGE_OF_STATUS,
  isFurtherAlong,
  isTerminalStatus,
  type ProgressEvent,
  type ErrorValue,
  type StatusEvent,
  type VideoStatus,
} from "@aq/contracts";
import { subscribeVideo, type VideoSubscription, type VideoUpdate } from "@aq/platform/bus";
import { getVideo, type VideoRow } from "@aq/platform/db";
import type { SubscriptionResolvers, VideoProgress as ApiVideoProgress } from "../generated/resolvers.js";
import { publicError } from "../graphql/public-error.js";
import type { BusGaps } from "../graphql/bus-gaps.js";
import { videoIdArg } from "../graphql/ids.js";

/** A progress event before its error's plain words are resolved (VideoError's own resolvers). */
type VideoProgress = Omit<ApiVideoProgress, "error"> & { error: ErrorValue | null };

function fromRow(row: VideoRow): VideoProgress {
  return {
    videoId: row.id,
    status: row.status,
    stage: STAGE_OF_STATUS[row.status],
    percent: row.status === "ready" ? 100 : row.progress,
    fps: null,
    speed: null,
    etaSeconds: null,
    error: publicError(row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? "" } : null),
    playable: canPlay(row.status, row.playableAt !== null),
    at: row.updatedAt.toISOString(),
  };
}

function fromStatusEvent(event: StatusEvent, playableEarly: boolean): VideoProgress {
  return {
    videoId: event.videoId,
    status: event.status,
    stage: STAGE_OF_STATUS[event.status],
    percent: event.status === "ready" ? 100 : 0,
    fps: null,
    speed: null,
    etaSeconds: null,
    error: publicError(event.error),
    playable: canPlay(event.status, playableEarly),
    at: event.at,
  };
}

function fromProgressEvent(event: ProgressEvent, playableEarly: boolean): VideoProgress {
  const { videoId, status, stage, percent, fps, speed, etaSeconds, at } = event;
  return { videoId, status, stage, percent, fps, speed, etaSeconds, error: null, playable: canPlay(status, playableEarly), at };
}

/**
 * How often a stream reads its video's state again on its own, in case a gap in the bus went
 * unnoticed (a message dropped from a full buffer); gaps the connection reports cause a read at once.
 */
export const STATE_RECHECK_INTERVAL_MS = 30_000;

/**
 * The current state, then the live updates that move it on, ending after a terminal status.
 * Written as an iterator rather than an async generator so that a client unsubscribing ends
 * the NATS subscription at once, not when the next message would have arrived. Live updates
 * come over core NATS, which loses what is published while the gateway is disconnected, so
 * after a reconnect (and every STATE_RECHECK_INTERVAL_MS) the state is read from the database
 * again and a status missed meanwhile, a terminal one included, is passed on.
 */
class VideoProgressStream implements AsyncIterableIterator<VideoProgress> {
  private initial: VideoProgress | null;
  private status: VideoStatus;
  /** A chunked encode made the video playable before READY (its playable event, or the row, said so). */
  private playableEarly: boolean;
  /** The last update passed on: a playable event repeats its figures. */
  private last: VideoProgress;
  /** When the current status began, as far as this stream knows; older status events are stale. */
  private since: number;
  private readonly live: AsyncIterator<VideoUpdate>;
  /** A live read still outstanding when a re-read of the state came first. */
  private pendingLive: Promise<IteratorResult<VideoUpdate>> | null = null;
  private recheckRequested = false;
  private wake: (() => void) | null = null;
  private readonly stopWatchingGaps: () => void;
  private readonly recheckTimer: NodeJS.Timeout;
  private finished = false;

  constructor(
    private readonly subscription: VideoSubscription,
    row: VideoRow,
    private readonly reread: () => Promise<VideoRow | null>,
    gaps: BusGaps,
  ) {
    this.initial = fromRow(row);
    this.last = this.initial;
    this.status = row.status;
    this.playableEarly = row.playableAt !== null;
    this.since = row.statusChangedAt.getTime();
    this.live = subscription[Symbol.asyncIterator]();
    this.stopWatchingGaps = gaps.onGap(() => this.requestRecheck());
    this.recheckTimer = setInterval(() => this.requestRecheck(), STATE_RECHECK_INTERVAL_MS);
    this.recheckTimer.unref();
  }

  private requestRecheck(): void {
    this.recheckRequested = true;
    this.wake?.();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /**
   * Updates that arrive out of date are dropped: a status event older than the state read
   * from the database or repeating the current status, and progress of a status already left.
   * Progress of a status further down the pipeline is passed on and moves the status along:
   * progress goes out directly over NATS while the status event waits for the outbox relay,
   * so the first progress of a stage often arrives before the news that the stage began.
   * The playable event is passed on once, with the current status.
   */
  private accept(update: VideoUpdate): VideoProgress | null {
    if (update.kind === "playable") {
      if (this.playableEarly) return null;
      this.playableEarly = true;
      const { videoId, at } = update.event;
      return { ...this.last, videoId, status: this.status, stage: STAGE_OF_STATUS[this.status], error: null, playable: true, at };
    }
    if (update.kind === "progress") {
      const { status } = update.event;
      if (status !== this.status) {
        if (!isFurtherAlong(status, this.status)) return null;
        this.status = status;
        this.since = Math.max(this.since, Date.parse(update.event.at));
      }
      return fromProgressEvent(update.event, this.playableEarly);
    }
    const at = Date.parse(update.event.at);
    if (update.event.status === this.status || at < this.since) return null;
    this.status = update.event.status;
    this.since = at;
    return fromStatusEvent(update.event, this.playableEarly);
  }

  /** The state read again: passed on when it is a status this stream has not seen, and not older. */
  private acceptRow(row: VideoRow): VideoProgress | null {
    if (row.status === this.status || row.statusChangedAt.getTime() < this.since) return null;
    this.status = row.status;
    this.since = row.statusChangedAt.getTime();
    this.playableEarly ||= row.playableAt !== null;
    return fromRow(row);
  }

  private emit(value: VideoProgress): IteratorResult<VideoProgress> {
    this.last = value;
    if (isTerminalStatus(value.status)) this.close();
    return { value, done: false };
  }

  async next(): Promise<IteratorResult<VideoProgress>> {
    if (this.initial) {
      const value = this.initial;
      this.initial = null;
      return this.emit(value);
    }
    while (!this.finished) {
      if (this.recheckRequested) {
        this.recheckRequested = false;
        const row = await this.reread();
        const progress = row && !this.finished ? this.acceptRow(row) : null;
        if (progress) return this.emit(progress);
        continue;
      }
      this.pendingLive ??= this.live.next();
      const woken = new Promise<null>((resolve) => (this.wake = () => resolve(null)));
      const result = await Promise.race([this.pendingLive, woken]);
      this.wake = null;
      if (!result) continue;
      this.pendingLive = null;
      if (result.done || this.finished) break;
      const progress = this.accept(result.value);
      if (progress) return this.emit(progress);
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<VideoProgress>> {
    this.close();
    return { value: undefined, done: true };
  }

  private close(): void {
    this.finished = true;
    clearInterval(this.recheckTimer);
    this.stopWatchingGaps();
    this.subscription.unsubscribe();
    this.wake?.();
  }
}

export const videoProgress: SubscriptionResolvers["videoProgress"] = {
  subscribe: async (_parent, args, { runtime }) => {
    const id = videoIdArg(args.id);
    // Subscribe before reading the current state, so that nothing published in between is lost.
    const subscription = subscribeVideo(runtime.nc, id);
    try {
      const row = await getVideo(runtime.db, id);
      if (!row) throw new AqError("NOT_FOUND", `no video with id ${id}`);
      return new VideoProgressStream(subscription, row, () => getVideo(runtime.db, id), runtime.busGaps);
    } catch (error) {
      subscription.unsubscribe();
      throw error;
    }
  },
  resolve: (progress: VideoProgress) => progress,
};
