import type { NatsConnection } from "@nats-io/nats-core";
import { jetstream, type Consumer, type ConsumerMessages, type JsMsg } from "@nats-io/jetstream";
import type { z } from "zod";
import {
  CHUNK_CONSUMER,
  chunkJobSchema,
  PIPELINE_STREAM,
  statusEventSchema,
  WORK_CONSUMERS,
  workFilterSubject,
  type ChunkJob,
  type StatusEvent,
  type WorkerName,
} from "@aq/contracts";
import type { Logger } from "../log/index.js";
import { backoffMs, sleep } from "../service/backoff.js";
import { ensurePipelineStream, ensureWorkConsumer } from "./streams.js";

/** A durable work queue in the pipeline stream: its consumer, what it filters, and what its messages hold. */
export interface WorkQueue<T extends { videoId: string }> {
  durable: string;
  filterSubject: string;
  schema: z.ZodType<T>;
  /** What every log line of a delivery names besides the video id. */
  logFields: (message: T) => Record<string, unknown>;
}

/** A stage's queue: the status events its worker waits for. */
export function statusQueue(worker: WorkerName): WorkQueue<StatusEvent> {
  return {
    durable: WORK_CONSUMERS[worker].durable,
    filterSubject: workFilterSubject(worker),
    schema: statusEventSchema,
    logFields: (event) => ({ status: event.status }),
  };
}

/** The chunk jobs of chunked encodes, pulled by every encoder instance. */
export const CHUNK_QUEUE: WorkQueue<ChunkJob> = {
  ...CHUNK_CONSUMER,
  schema: chunkJobSchema,
  logFields: (job) => ({ chunk: job.index, round: job.round }),
};

export interface WorkContext {
  /** JetStream will not deliver this message again: a failure now must be recorded as final. */
  lastAttempt: boolean;
  deliveryCount: number;
  /** Aborted when the service hands the message back at shutdown; stop the work. */
  signal: AbortSignal;
  /** The consumer's logger with the video id on every line. */
  log: Logger;
}

/**
 * Thrown by a handler whose message should come back after `delayMs` rather than after the usual
 * backoff: work that must wait for something with a known end (a lease to lapse) before it can run.
 */
export class RedeliverAfter extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
    this.name = "RedeliverAfter";
  }
}

export type WorkHandler<T = StatusEvent> = (event: T, context: WorkContext) => Promise<void>;

export interface ConsumeWorkOptions<T = StatusEvent> {
  /** Messages handled at once by this instance. */
  concurrency: number;
  handler: WorkHandler<T>;
  log: Logger;
  /** Abort to stop: no more pulls, in-flight work gets `drainTimeoutMs` to finish. */
  signal: AbortSignal;
  ackWaitSeconds: number;
  maxDeliver: number;
  /** How long in-flight handlers may run on after the abort before their messages are handed back. */
  drainTimeoutMs?: number;
  /** Redelivery delay after a failed attempt: backoff from this base up to `retryMaxMs`. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long one pull request waits on the server for a message. */
  pullExpiresMs?: number;
}

interface InFlight {
  msg: JsMsg;
  controller: AbortController;
  handedBack: boolean;
}

function parseMessage<T>(msg: JsMsg, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; problem: string } {
  let data: unknown;
  try {
    data = msg.json();
  } catch (error) {
    return { ok: false, problem: `payload is not JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(data);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, problem: `payload does not match the schema: ${parsed.error.message}` };
}

/**
 * Runs `handler` for the messages of one durable work queue (a stage's status events, or chunk jobs), at most
 * `concurrency` at a time. Each free slot pulls exactly one message, so nothing waits in a
 * local buffer while its ack timer runs. Long handlers keep their message with in-progress
 * heartbeats; success acks, failure naks with backoff, a malformed message is terminated.
 * Survives NATS restarts and a deleted consumer (recreated). Resolves once stopped.
 */
export async function consumeWork<T extends { videoId: string } = StatusEvent>(
  nc: NatsConnection,
  worker: WorkerName | WorkQueue<T>,
  options: ConsumeWorkOptions<T>,
): Promise<void> {
  const { log, signal, handler } = options;
  const js = jetstream(nc);
  const queue = (typeof worker === "string" ? statusQueue(worker) : worker) as WorkQueue<T>;
  const durable = queue.durable;
  const pullExpiresMs = options.pullExpiresMs ?? 30_000;
  const heartbeatMs = Math.max(100, (options.ackWaitSeconds * 1000) / 3);
  const inFlight = new Set<InFlight>();
  const pulls = new Set<ConsumerMessages>();
  let consumer: Promise<Consumer> | undefined;
  let failures = 0;

  const getConsumer = () => {
    consumer ??= (async () => {
      await ensurePipelineStream(nc);
      await ensureWorkConsumer(nc, queue, { ackWaitSeconds: options.ackWaitSeconds, maxDeliver: options.maxDeliver });
      const ready = await js.consumers.get(PIPELINE_STREAM, durable);
      log.info({ consumer: durable, concurrency: options.concurrency }, "work consumer ready");
      return ready;
    })();
    return consumer;
  };

  const pullOne = async (): Promise<JsMsg | null> => {
    const batch = await (await getConsumer()).fetch({ max_messages: 1, expires: pullExpiresMs });
    pulls.add(batch);
    try {
      if (signal.aborted) await batch.close();
      for await (const msg of batch) return msg;
      return null;
    } finally {
      pulls.delete(batch);
    }
  };

  const handle = async (msg: JsMsg) => {
    const deliveryCount = msg.info.deliveryCount;
    const parsed = parseMessage(msg, queue.schema);
    if (!parsed.ok) {
      log.error({ subject: msg.subject, seq: msg.seq, problem: parsed.problem }, "malformed work message terminated");
      // No reason argument: servers before 2.11 do not recognise "+TERM <reason>" as a term.
      msg.term();
      return;
    }
    const event = parsed.value;
    const entry: InFlight = { msg, controller: new AbortController(), handedBack: false };
    const lastAttempt = deliveryCount >= options.maxDeliver;
    const eventLog = log.child({ videoId: event.videoId, ...queue.logFields(event), delivery: deliveryCount });
    inFlight.add(entry);
    const heartbeat = setInterval(() => msg.working(), heartbeatMs);
    try {
      await handler(event, { lastAttempt, deliveryCount, signal: entry.controller.signal, log: eventLog });
      if (!entry.handedBack) msg.ack();
    } catch (error) {
      if (entry.handedBack) {
        eventLog.info({ err: error }, "handler stopped after its message was handed back");
      } else if (lastAttempt) {
        eventLog.error({ err: error }, "handler failed on the last delivery; message terminated");
        msg.term();
      } else if (error instanceof RedeliverAfter) {
        eventLog.info({ retryInMs: error.delayMs }, error.message);
        msg.nak(error.delayMs);
      } else {
        const delay = backoffMs(deliveryCount, { baseMs: options.retryBaseMs ?? 2000, maxMs: options.retryMaxMs ?? 60_000 });
        eventLog.warn({ err: error, retryInMs: delay }, "handler failed; message will be redelivered");
        msg.nak(delay);
      }
    } finally {
      clearInterval(heartbeat);
      inFlight.delete(entry);
    }
  };

  const slot = async () => {
    while (!signal.aborted) {
      let msg: JsMsg | null;
      try {
        msg = await pullOne();
        failures = 0;
      } catch (error) {
        if (signal.aborted) break;
        failures++;
        // The consumer may have been deleted or the server restarted with an empty store.
        consumer = undefined;
        const delay = backoffMs(failures, { baseMs: 250, maxMs: 5000 });
        log.warn({ err: error, retryInMs: delay, consumer: durable }, "pulling work failed; retrying");
        await sleep(delay, signal);
        continue;
      }
      if (!msg) continue;
      if (signal.aborted) {
        msg.nak();
        break;
      }
      await handle(msg);
    }
  };

  let drainTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    for (const batch of pulls) void batch.close();
    drainTimer = setTimeout(() => {
      for (const entry of inFlight) {
        entry.handedBack = true;
        entry.msg.nak();
        entry.controller.abort(new Error("shutting down: the message was handed back"));
      }
      if (inFlight.size) log.warn({ handedBack: inFlight.size }, "in-flight work handed back to other instances");
    }, options.drainTimeoutMs ?? 10_000);
  };
  if (signal.aborted) return;
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency) }, slot));
  } finally {
    signal.removeEventListener("abort", onAbort);
    clearTimeout(drainTimer);
  }
  log.info({ consumer: durable }, "stopped consuming work");
}
