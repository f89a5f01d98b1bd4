import { closeBus, connectBus, consumeWork, ensurePipelineStream, ensureWorkConsumer, startOutboxRelay } from "@aq/platform/bus";
import type { PipelineWorkerConfig } from "@aq/config";
import { WORK_CONSUMERS, type WorkerName } from "@aq/contracts";
import { closeDatabase, createDatabase, runMigrations, transitionVideo } from "@aq/platform/db";
import { toErrorValue } from "@aq/contracts";
import { createLogger } from "@aq/platform/log";
import { runService } from "@aq/platform/service";
import { createStorage } from "@aq/platform/storage";
import type { DeliveryContext, StageDeps } from "./deps.js";
import { sweepStuckVideos } from "./sweep.js";

export interface PipelineWorkerSpec {
  service: string;
  worker: WorkerName;
  config: PipelineWorkerConfig;
  concurrency: number;
  handle: (deps: StageDeps, videoId: string, delivery: DeliveryContext) => Promise<void>;
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
      await ensureWorkConsumer(nc, worker, { ackWaitSeconds: config.NATS_ACK_WAIT_SECONDS, maxDeliver: config.NATS_MAX_DELIVER });
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
        sweepStuckVideos(db, worker, config.STUCK_AFTER_SECONDS * 1000, log).catch((error: unknown) =>
          log.warn({ err: toErrorValue(error) }, "sweep failed; trying again next interval"),
        );
      }, config.SWEEP_INTERVAL_SECONDS * 1000);
      const consuming = consumeWork(nc, worker, {
        concurrency: spec.concurrency,
        ackWaitSeconds: config.NATS_ACK_WAIT_SECONDS,
        maxDeliver: config.NATS_MAX_DELIVER,
        // In-flight work gets most of the shutdown bound to finish before it is handed back.
        drainTimeoutMs: Math.max(1000, config.SHUTDOWN_TIMEOUT_SECONDS * 1000 - 5000),
        log,
        signal,
        handler: async (event, delivery) => {
          const child = delivery.log;
          try {
            await spec.handle({ ...deps, log: child }, event.videoId, delivery);
            // The next stage's event is in the outbox now: publish it without waiting for the poll.
            relay.wake();
          } catch (error) {
            if (!delivery.lastAttempt || signal.aborted) throw error;
            const { code, message } = toErrorValue(error);
            // A failure that redelivery could not cure ends the stage for good.
            const { status: queued, working, failed } = WORK_CONSUMERS[worker];
            await transitionVideo(db, {
              id: event.videoId,
              from: [queued, working],
              to: failed,
              set: { errorCode: code, errorMessage: `gave up after repeated failures: ${message}` },
              detail: code,
            });
            relay.wake();
            child.error({ err: { code, message } }, "stage failed on its last delivery; video marked failed");
          }
        },
      });
      return {
        ready: () => !nc.isClosed(),
        stop: async () => {
          clearInterval(sweep);
          await consuming;
          await relay.stopped;
          await closeBus(nc);
          await closeDatabase(db);
        },
      };
    },
  });
}

