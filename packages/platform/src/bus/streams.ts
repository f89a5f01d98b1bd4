import { nanos, type NatsConnection } from "@nats-io/nats-core";
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerInfo,
} from "@nats-io/jetstream";
import { PIPELINE_STREAM, PIPELINE_SUBJECTS, WORK_CONSUMERS, workFilterSubject, type WorkerName } from "@aq/contracts";

/** Events stay long enough for a stopped service to catch up after an outage. */
export const PIPELINE_MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/** A republish (outbox relay retry) within this window is dropped by JetStream. */
export const PIPELINE_DUPLICATE_WINDOW_MS = 5 * 60 * 1000;

function isApiError(error: unknown, code: number): boolean {
  return error instanceof JetStreamApiError && error.code === code;
}

/** Creates the pipeline stream, or brings an existing one to these settings. */
export async function ensurePipelineStream(nc: NatsConnection): Promise<void> {
  const jsm = await jetstreamManager(nc);
  const settings = {
    subjects: PIPELINE_SUBJECTS,
    max_age: nanos(PIPELINE_MAX_AGE_MS),
    duplicate_window: nanos(PIPELINE_DUPLICATE_WINDOW_MS),
  };
  try {
    const info = await jsm.streams.info(PIPELINE_STREAM);
    const c = info.config;
    if (
      c.max_age !== settings.max_age ||
      c.duplicate_window !== settings.duplicate_window ||
      JSON.stringify([...c.subjects].sort()) !== JSON.stringify([...settings.subjects].sort())
    ) {
      await jsm.streams.update(PIPELINE_STREAM, settings);
    }
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.StreamNotFound)) throw error;
    // Adding an identical stream is idempotent, so instances starting together do not clash.
    await jsm.streams.add({
      name: PIPELINE_STREAM,
      ...settings,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
    });
  }
}

export interface WorkConsumerSettings {
  /** Seconds without an ack or heartbeat before a message goes to another instance. */
  ackWaitSeconds: number;
  /** Deliveries of one message before JetStream gives up on it. */
  maxDeliver: number;
}

/**
 * The durable pull consumer every instance of a service shares (explicit acks, filtered to
 * the status the service works on, or to a queue of its own such as the chunk jobs). Existing consumers are updated to these settings.
 */
export async function ensureWorkConsumer(
  nc: NatsConnection,
  worker: WorkerName | { durable: string; filterSubject: string },
  settings: WorkConsumerSettings,
): Promise<ConsumerInfo> {
  const { durable, filterSubject } =
    typeof worker === "string" ? { durable: WORK_CONSUMERS[worker].durable, filterSubject: workFilterSubject(worker) } : worker;
  return ensureDurableConsumer(nc, durable, {
    ack_wait: nanos(settings.ackWaitSeconds * 1000),
    max_deliver: settings.maxDeliver,
    filter_subject: filterSubject,
  });
}

/**
 * A durable pull consumer of the pipeline stream that is not a stage's (the webhook service's):
 * every status event, explicit acks, redelivered without limit (a message is only a trigger
 * whose work is idempotent, so giving up on one would only lose it).
 */
export async function ensureEventConsumer(
  nc: NatsConnection,
  consumer: { durable: string; filterSubject: string; ackWaitSeconds: number },
): Promise<ConsumerInfo> {
  return ensureDurableConsumer(nc, consumer.durable, {
    ack_wait: nanos(consumer.ackWaitSeconds * 1000),
    max_deliver: -1,
    filter_subject: consumer.filterSubject,
  });
}

/** Creates the consumer, or brings an existing one to these settings. */
async function ensureDurableConsumer(
  nc: NatsConnection,
  durable: string,
  wanted: { ack_wait: number; max_deliver: number; filter_subject: string },
): Promise<ConsumerInfo> {
  const jsm = await jetstreamManager(nc);
  try {
    const info = await jsm.consumers.info(PIPELINE_STREAM, durable);
    const c = info.config;
    if (c.ack_wait === wanted.ack_wait && c.max_deliver === wanted.max_deliver && c.filter_subject === wanted.filter_subject) return info;
    return await jsm.consumers.update(PIPELINE_STREAM, durable, wanted);
  } catch (error) {
    if (!isApiError(error, JetStreamApiCodes.ConsumerNotFound)) throw error;
    return jsm.consumers.add(PIPELINE_STREAM, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      // A consumer created after events were published still gets them; handlers are idempotent.
      deliver_policy: DeliverPolicy.All,
      ...wanted,
    });
  }
}
