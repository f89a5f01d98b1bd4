import {
  CHUNK_QUEUE,
  closeBus,
  connectBus,
  consumeWork,
  ensurePipelineStream,
  ensureWorkConsumer,
  RedeliverAfter,
  startOutboxRelay,
} from "@aq/platform/bus";
import type { PipelineWorkerConfig } from "@aq/config";
import { chunkLeaseUnit, WORK_CONSUMERS, type ChunkJob, type WorkerName } from "@aq/contracts";
import { hostname } from "node:os";
import {
  acquireLease,
  closeDatabase,
  createDatabase,
  failChunk,
  runMigrations,
  transitionVideo,
  type Database,
  type VideoRow,
} from "@aq/platform/db";
import { toErrorValue } from "@aq/contracts";
import { createLogger } from "@aq/platform/log";
import { runService } from "@aq/platform/service";
import { createStorage } from "@aq/platform/storage";
import type { Logger } from "@aq/platform/log";
import type { DeliveryContext, StageDeps } from "./deps.js";
import { keepLease, type HeldLease } from "./lease.js";
import { sweepStuckChunks, sweepStuckVideos } from "./sweep.js";

export interface PipelineWorkerSpec {
  service: string;
  worker: WorkerName;
  config: PipelineWorkerConfig;
  concurrency: number;
  handle: (deps: StageDeps, videoId: string, delivery: DeliveryContext) => Promise<void>;
  /**
   * Work the service does beside its stage on the same connections (the probe service answers
   * planVideo requests); resolves once stopped, after `signal` aborts.
   */
  alongside?: (deps: StageDeps, signal: AbortSignal) => Promise<void>;
  /** The encoder's second queue: chunk jobs of chunked encodes, each under a lease on its chunk. */
  chunkJobs?: {
    concurrency: number;
    handle: (deps: StageDeps, job: ChunkJob, delivery: DeliveryContext) => Promise<void>;
  };
}

/**
 * The whole life of a pipeline service: connections, migrations, the work consumer, the
 * outbox relay, the stuck-work sweep, health endpoints and graceful shutdown. The stage
 * itself is `handle`.
 */
export function runPipelineWorker(spec: PipelineWorkerSpec): void {
  const { config, worker } = spec;
  const log = createLogger(spec.service, config.LOG_LEVEL);
  runService({
    name: spec.service,
    log,
    healthHost: config.HEALTH_HOST,
    healthPort: config.HEALTH_PORT,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    start: async ({ signal }) => {
      const db = createDatabase(config.DATABASE_URL);
      await runMigrations(db);
      const nc = await connectBus(config.NATS_URL, log);
      await ensurePipelineStream(nc);
      const consumerSettings = { ackWaitSeconds: config.NATS_ACK_WAIT_SECONDS, maxDeliver: config.NATS_MAX_DELIVER };
      // In-flight work gets most of the shutdown bound to finish before it is handed back.
      const drainTimeoutMs = Math.max(1000, config.SHUTDOWN_TIMEOUT_SECONDS * 1000 - 5000);
      await ensureWorkConsumer(nc, worker, consumerSettings);
      if (spec.chunkJobs) await ensureWorkConsumer(nc, CHUNK_QUEUE, consumerSettings);
      const deps: StageDeps = {
        db,
        nc,
        storage: createStorage(config),
        log,
        workDir: config.WORK_DIR,
        ladder: config.ladder,
      };
      const relay = startOutboxRelay(db, nc, { log, signal, intervalMs: 500 });
      const sweep = setInterval(() => {
        const stuckAfterMs = config.STUCK_AFTER_SECONDS * 1000;
        sweepStuckVideos(db, worker, stuckAfterMs, log)
          .then(() => (worker === "encoder" ? sweepStuckChunks(db, stuckAfterMs, log) : []))
          .catch((error: unknown) => log.warn({ err: toErrorValue(error) }, "sweep failed; trying again next interval"));
      }, config.SWEEP_INTERVAL_SECONDS * 1000);
      const consuming = consumeWork(nc, worker, {
        concurrency: spec.concurrency,
        ...consumerSettings,
        drainTimeoutMs,
        log,
        signal,
        handler: async (event, delivery) => {
          const child = delivery.log;
          const owned = await takeStage(db, worker, event.videoId, config.WORK_LEASE_SECONDS * 1000, child);
          if (!owned) return;
          const { lease, video } = owned;
          try {
            await spec.handle({ ...deps, log: child }, event.videoId, {
              signal: AbortSignal.any([delivery.signal, lease.signal]),
              lastAttempt: delivery.lastAttempt,
              lease,
              video,
            });
            // The next stage's event is in the outbox now: publish it without waiting for the poll.
            relay.wake();
          } catch (error) {
            // The new owner carries on; this delivery is done (acked), not retried.
            if (lease.lost) return child.warn({ err: toErrorValue(error) }, "stage stopped: its lease was lost");
            if (!delivery.lastAttempt || signal.aborted) throw error;
            const { code, message } = toErrorValue(error);
            // A failure that redelivery could not cure ends the stage for good.
            const { working, failed } = WORK_CONSUMERS[worker];
            const marked = await transitionVideo(db, {
              id: event.videoId,
              from: working,
              to: failed,
              set: { errorCode: code, errorMessage: `gave up after repeated failures: ${message}` },
              detail: code,
              lease: lease.ref,
              releaseLease: true,
            });
            relay.wake();
            if (marked) child.error({ err: { code, message } }, "stage failed on its last delivery; video marked failed");
          } finally {
            await lease.end();
          }
        },
      });
      const chunkJobs = spec.chunkJobs;
      const consumingChunks = chunkJobs
        ? consumeWork(nc, CHUNK_QUEUE, {
            concurrency: chunkJobs.concurrency,
            ...consumerSettings,
            drainTimeoutMs,
            log,
            signal,
            handler: async (job, delivery) => {
              const child = delivery.log;
              const ttlMs = config.WORK_LEASE_SECONDS * 1000;
              const owned = await takeChunk(db, job, ttlMs, child);
              if (!owned) return;
              const { lease, video } = owned;
              try {
                await chunkJobs.handle({ ...deps, log: child }, job, {
                  signal: AbortSignal.any([delivery.signal, lease.signal]),
                  lastAttempt: delivery.lastAttempt,
                  lease,
                  video,
                });
                relay.wake();
                // A job that ended quietly because its lease went (nothing recorded) is not done.
                if (lease.lost) throw lease.signal.reason;
              } catch (error) {
                if (lease.lost && !delivery.lastAttempt) {
                  // Unlike a stage's video, a chunk whose holder stopped renewing in time (the process
                  // or its database paused) has nothing else to bring it back but the stuck sweep:
                  // the job returns once the lease has lapsed, for whoever holds the chunk then.
                  child.warn({ err: toErrorValue(error) }, "chunk stopped: its lease was lost");
                  throw new RedeliverAfter(ttlMs + 1000, "chunk job handed back until its lost lease lapses");
                }
                if (lease.lost) return child.warn({ err: toErrorValue(error) }, "chunk stopped: its lease was lost");
                if (!delivery.lastAttempt || signal.aborted) throw error;
                const { code, message } = toErrorValue(error);
                const failed = await failChunk(
                  db,
                  lease.ref,
                  job.index,
                  { code, message: `gave up after repeated failures: ${message}` },
                  null,
                );
                relay.wake();
                if (failed) child.error({ err: { code, message } }, "chunk failed on its last delivery; video marked failed");
              } finally {
                await lease.end();
              }
            },
          })
        : Promise.resolve();
      const alongside = spec.alongside ? spec.alongside(deps, signal) : Promise.resolve();
      return {
        ready: () => !nc.isClosed(),
        stop: async () => {
          clearInterval(sweep);
          await consuming;
          await consumingChunks;
          await alongside;
          await relay.stopped;
          await closeBus(nc);
          await closeDatabase(db);
        },
      };
    },
  });
}

/** This process, as lease holders are shown to operators. */
export const PROCESS_OWNER = `${hostname()}:${process.pid}`;

/**
 * Makes this delivery the one owner of the video's stage: takes the lease (none live on it) and
 * moves a waiting video to the working status under it. A second copy of the message, or a
 * stale delivery of work someone else holds or finished, is a no-op with a log line.
 */
async function takeStage(
  db: Database,
  worker: WorkerName,
  videoId: string,
  ttlMs: number,
  log: Logger,
): Promise<{ lease: HeldLease; video: VideoRow } | null> {
  const { status: queued, working } = WORK_CONSUMERS[worker];
  const acquired = await acquireLease(db, { videoId, unit: worker, statuses: [queued, working], owner: PROCESS_OWNER, ttlMs });
  if (acquired.kind === "moved") {
    log.info({ status: acquired.status }, "video is not waiting for this stage; nothing to do");
    return null;
  }
  if (acquired.kind === "held") {
    log.info(
      { holder: acquired.holder.owner, expiresAt: acquired.holder.expiresAt },
      "another worker owns this video's stage; this delivery is a no-op",
    );
    return null;
  }
  const lease = keepLease(db, acquired.lease, { ttlMs, log });
  if (acquired.video.status === working) {
    log.warn({ previousOwner: acquired.takenOver?.owner ?? null }, "taking over work whose owner stopped renewing its lease");
    return { lease, video: acquired.video };
  }
  const video = await transitionVideo(db, { id: videoId, from: queued, to: working, set: { progress: 0 }, lease: acquired.lease });
  if (!video) {
    await lease.end();
    return null;
  }
  return { lease, video };
}

/**
 * Makes this delivery the one owner of a chunk: the lease on the chunk's unit while its video is
 * encoding. A second copy of the job, or a job of a video that failed or was deleted meanwhile, is
 * a no-op with a log line.
 */
async function takeChunk(db: Database, job: ChunkJob, ttlMs: number, log: Logger): Promise<{ lease: HeldLease; video: VideoRow } | null> {
  const unit = chunkLeaseUnit(job.index);
  const acquired = await acquireLease(db, { videoId: job.videoId, unit, statuses: ["encoding"], owner: PROCESS_OWNER, ttlMs });
  if (acquired.kind === "moved") {
    log.info({ status: acquired.status }, "video is no longer encoding; chunk job dropped");
    return null;
  }
  if (acquired.kind === "held") {
    log.info({ holder: acquired.holder.owner }, "another encoder owns this chunk; this delivery is a no-op");
    return null;
  }
  if (acquired.takenOver)
    log.warn({ previousOwner: acquired.takenOver.owner }, "taking over a chunk whose owner stopped renewing its lease");
  return { lease: keepLease(db, acquired.lease, { ttlMs, log }), video: acquired.video };
}
