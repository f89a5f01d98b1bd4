import { createHash } from "node:crypto";
import type { NatsConnection } from "@nats-io/nats-core";
import { jetstream } from "@nats-io/jetstream";
import { drainOutbox, type Database, type OutboxMessage } from "../db/index.js";
import type { Logger } from "../log/index.js";
import { backoffMs } from "../service/backoff.js";
import { wakeablePause } from "../service/wakeable-pause.js";

/**
 * The JetStream message id of an outbox row: the same on every re-publish of the row, so the
 * stream drops a repeat within its duplicate window. Row ids alone restart at 1 in every new
 * database (tests, a restored backup) and would make the stream drop new events as repeats,
 * so a digest of the payload (which holds the event time) is part of the id. An event with an
 * id of its own (a chunk job: one message per chunk and round) keeps it, so that writing the
 * same event twice publishes it once.
 */
export function outboxMessageId(message: OutboxMessage): string {
  if (message.messageId) return message.messageId;
  const digest = createHash("sha256").update(JSON.stringify(message.payload)).digest("hex").slice(0, 16);
  return `outbox-${message.id}-${digest}`;
}

export interface OutboxRelayOptions {
  log: Logger;
  /** Pause between polls when the outbox is empty. */
  intervalMs?: number;
  signal: AbortSignal;
  batchSize?: number;
}

export interface OutboxRelay {
  /** Publish now rather than at the next poll (call after committing a status change). */
  wake(): void;
  /** Resolves when the relay has stopped after the abort. */
  stopped: Promise<void>;
}

/**
 * Publishes pending outbox rows to JetStream, in order, until the signal aborts. Database and
 * NATS errors are logged and retried with backoff; a row is marked published only after
 * JetStream acknowledged it.
 */
export function startOutboxRelay(db: Database, nc: NatsConnection, options: OutboxRelayOptions): OutboxRelay {
  const { log, signal } = options;
  const intervalMs = options.intervalMs ?? 1000;
  const batchSize = options.batchSize ?? 100;
  const js = jetstream(nc);
  const { pause, wake, clear } = wakeablePause(signal);

  const publish = async (message: OutboxMessage) => {
    await js.publish(message.subject, JSON.stringify(message.payload), { msgID: outboxMessageId(message), timeout: 5000 });
  };

  const run = async () => {
    let failures = 0;
    while (!signal.aborted) {
      clear();
      try {
        const published = await drainOutbox(db, publish, batchSize);
        if (failures) log.info("outbox relay recovered");
        failures = 0;
        if (published) log.debug({ published }, "outbox rows published");
        if (published === batchSize) continue;
        await pause(intervalMs);
      } catch (error) {
        failures++;
        const delay = backoffMs(failures, { baseMs: intervalMs, maxMs: 30_000 });
        log.warn({ err: error, retryInMs: delay }, "outbox relay failed; retrying");
        clear();
        await pause(delay);
      }
    }
  };

  return { wake, stopped: run() };
}
