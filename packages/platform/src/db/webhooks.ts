import { and, asc, desc, eq, gte, inArray, lt, notInArray, sql } from "drizzle-orm";
import { AqError } from "@aq/contracts";
import { webhookEventTypeOf } from "../webhooks/event-type.js";
import type { Database } from "./client.js";
import {
  videoStatusHistory,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
  type StatusChangeRow,
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
} from "./schema.js";

export interface NewWebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  encryptedSecret: string;
}

function wants(endpoint: WebhookEndpointRow, change: StatusChangeRow): boolean {
  return endpoint.events.length === 0 || endpoint.events.includes(webhookEventTypeOf(change));
}

export async function insertWebhookEndpoint(db: Database, values: NewWebhookEndpoint): Promise<WebhookEndpointRow> {
  const [row] = await db
    .insert(webhookEndpoints)
    .values({ ...values, source: "api" })
    .returning();
  return row!;
}

export async function listWebhookEndpoints(db: Database): Promise<WebhookEndpointRow[]> {
  return db.select().from(webhookEndpoints).orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id));
}

export async function getWebhookEndpoint(db: Database, id: string): Promise<WebhookEndpointRow | null> {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return row ?? null;
}

/** A disabled endpoint keeps its queue: its deliveries wait and go out in order once it is enabled again. */
export async function setWebhookEndpointEnabled(db: Database, id: string, enabled: boolean): Promise<WebhookEndpointRow | null> {
  const [row] = await db.update(webhookEndpoints).set({ enabled, updatedAt: new Date() }).where(eq(webhookEndpoints.id, id)).returning();
  return row ?? null;
}

/** Removes the endpoint with its deliveries and their log. */
export async function deleteWebhookEndpoint(db: Database, id: string): Promise<boolean> {
  const rows = await db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning({ id: webhookEndpoints.id });
  return rows.length > 0;
}

/**
 * Makes the endpoints declared in configuration the enabled `config` endpoints: each is written
 * (URL, events, secret) under its id, and a config endpoint no longer declared is disabled,
 * keeping its delivery log.
 */
export async function syncConfigWebhookEndpoints(db: Database, declared: NewWebhookEndpoint[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (const endpoint of declared) {
      await tx
        .insert(webhookEndpoints)
        .values({ ...endpoint, source: "config" })
        .onConflictDoUpdate({
          target: webhookEndpoints.id,
          set: {
            url: endpoint.url,
            events: endpoint.events,
            encryptedSecret: endpoint.encryptedSecret,
            enabled: true,
            updatedAt: new Date(),
          },
        });
    }
    const ids = declared.map((e) => e.id);
    await tx
      .update(webhookEndpoints)
      .set({ enabled: false, updatedAt: new Date() })
      .where(and(eq(webhookEndpoints.source, "config"), ids.length ? notInArray(webhookEndpoints.id, ids) : undefined));
  });
}

function deliveryValues(endpoint: WebhookEndpointRow, change: StatusChangeRow) {
  return {
    endpointId: endpoint.id,
    eventId: change.eventId,
    changeId: change.id,
    videoId: change.videoId,
    eventType: webhookEventTypeOf(change),
  };
}

/**
 * Queues a delivery for every enabled endpoint of every history entry of the video (status
 * changes, and becoming playable) it has not got yet (changes since the endpoint was registered, of the types it wants). Run for each
 * status event of the video: a change whose own event was missed still goes out with the next
 * one, and a repeat queues nothing (one delivery per endpoint and event). Returns how many
 * deliveries were queued.
 */
export async function fanOutVideoEvents(db: Database, videoId: string): Promise<number> {
  const endpoints = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.enabled, true));
  if (endpoints.length === 0) return 0;
  const changes = await db
    .select()
    .from(videoStatusHistory)
    .where(eq(videoStatusHistory.videoId, videoId))
    .orderBy(asc(videoStatusHistory.id));
  const values = endpoints.flatMap((endpoint) =>
    changes
      .filter((change) => change.at >= endpoint.createdAt && wants(endpoint, change))
      .map((change) => deliveryValues(endpoint, change)),
  );
  if (values.length === 0) return 0;
  const inserted = await db.insert(webhookDeliveries).values(values).onConflictDoNothing().returning({ id: webhookDeliveries.id });
  return inserted.length;
}

/** The most events one replay queues; a wider replay is refused with a hint to narrow it. */
export const MAX_REPLAYED_EVENTS = 10_000;

/**
 * Queues again, for one endpoint, every event since `since` (of one video, or all) that it
 * wants, delivered before or not: each goes out again with its original id and body, in order
 * per video. Returns how many were queued.
 */
export async function replayWebhookEvents(
  db: Database,
  options: { endpoint: WebhookEndpointRow; since: Date; videoId?: string },
): Promise<number> {
  const conditions = [gte(videoStatusHistory.at, options.since)];
  if (options.videoId) conditions.push(eq(videoStatusHistory.videoId, options.videoId));
  const changes = await db
    .select()
    .from(videoStatusHistory)
    .where(and(...conditions))
    .orderBy(asc(videoStatusHistory.id))
    .limit(MAX_REPLAYED_EVENTS + 1);
  if (changes.length > MAX_REPLAYED_EVENTS) {
    throw new AqError("INVALID_INPUT", `more than ${MAX_REPLAYED_EVENTS} events happened since then; replay a later time or one video`);
  }
  const values = changes.filter((change) => wants(options.endpoint, change)).map((change) => deliveryValues(options.endpoint, change));
  let queued = 0;
  for (let start = 0; start < values.length; start += 500) {
    const rows = await db
      .insert(webhookDeliveries)
      .values(values.slice(start, start + 500))
      .onConflictDoUpdate({
        target: [webhookDeliveries.endpointId, webhookDeliveries.eventId],
        set: {
          state: "pending",
          attempts: 0,
          nextAttemptAt: sql`now()`,
          retryUntil: null,
          claimedUntil: null,
          claimToken: null,
          deliveredAt: null,
        },
      })
      .returning({ id: webhookDeliveries.id });
    queued += rows.length;
  }
  return queued;
}

export interface ClaimedDelivery {
  delivery: WebhookDeliveryRow;
  endpoint: WebhookEndpointRow;
  change: StatusChangeRow;
}

/**
 * Claims up to `limit` deliveries that are due, for `claimMs`: pending, of enabled endpoints,
 * and the oldest pending event of their (endpoint, video), so a video's events never overtake
 * one another. A sender that dies leaves its claim to expire; another then sends the delivery
 * again (at-least-once).
 */
export async function claimDueWebhookDeliveries(db: Database, options: { limit: number; claimMs: number }): Promise<ClaimedDelivery[]> {
  const claimed = await db.execute<{ id: string }>(sql`
    update ${webhookDeliveries} set claimed_until = now() + make_interval(secs => ${options.claimMs / 1000}), claim_token = gen_random_uuid()
    where id in (
      select d.id from ${webhookDeliveries} d
      join ${webhookEndpoints} e on e.id = d.endpoint_id
      where d.state = 'pending' and e.enabled and d.next_attempt_at <= now()
        and (d.claimed_until is null or d.claimed_until < now())
        and not exists (
          select 1 from ${webhookDeliveries} p
          where p.endpoint_id = d.endpoint_id and p.video_id = d.video_id and p.state = 'pending' and p.change_id < d.change_id
        )
      order by d.next_attempt_at, d.id
      limit ${options.limit}
      for update of d skip locked
    )
    returning id`);
  const ids = claimed.rows.map((row) => Number(row.id));
  if (ids.length === 0) return [];
  const rows = await db
    .select({ delivery: webhookDeliveries, endpoint: webhookEndpoints, change: videoStatusHistory })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .innerJoin(videoStatusHistory, eq(videoStatusHistory.id, webhookDeliveries.changeId))
    .where(inArray(webhookDeliveries.id, ids))
    .orderBy(asc(webhookDeliveries.id));
  return rows;
}

export interface DeliveryOutcome {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * Logs a try and moves the delivery on: delivered on a 2xx; otherwise due again after
 * `retryInMs`, or failed for good once its retry window (counted from its first try) is over.
 * Returns the delivery's state after it, or null when the try no longer held the claim (a
 * replay re-queued the delivery meanwhile, or its claim expired and another sender took it):
 * the try is logged, and the delivery is left to its new round. Also null, with nothing
 * logged, when the delivery is gone (its endpoint was deleted during the try).
 */
export async function recordWebhookAttempt(
  db: Database,
  claim: { deliveryId: number; claimToken: string },
  outcome: DeliveryOutcome,
  schedule: { retryInMs: number; retryWindowMs: number },
): Promise<WebhookDeliveryRow["state"] | null> {
  const { deliveryId, claimToken } = claim;
  const delivered = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.id, deliveryId))
      .for("update");
    if (!current) return null;
    await tx.insert(webhookAttempts).values({ deliveryId, ...outcome });
    const retryUntil = sql`coalesce(${webhookDeliveries.retryUntil}, now() + make_interval(secs => ${schedule.retryWindowMs / 1000}))`;
    const [row] = await tx
      .update(webhookDeliveries)
      .set(
        delivered
          ? {
              state: "delivered",
              deliveredAt: sql`now()`,
              attempts: sql`${webhookDeliveries.attempts} + 1`,
              claimedUntil: null,
              claimToken: null,
              retryUntil,
            }
          : {
              state: sql`case when now() >= ${retryUntil} then 'failed' else 'pending' end`,
              attempts: sql`${webhookDeliveries.attempts} + 1`,
              nextAttemptAt: sql`now() + make_interval(secs => ${schedule.retryInMs / 1000})`,
              claimedUntil: null,
              claimToken: null,
              retryUntil,
            },
      )
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.claimToken, claimToken)))
      .returning({ state: webhookDeliveries.state });
    return row?.state ?? null;
  });
}

/** An endpoint's delivery log, newest first, keyset-paginated on the delivery id. */
export async function listWebhookDeliveries(
  db: Database,
  endpointId: string,
  options: { first: number; beforeId?: number },
): Promise<WebhookDeliveryRow[]> {
  const conditions = [eq(webhookDeliveries.endpointId, endpointId)];
  if (options.beforeId !== undefined) conditions.push(lt(webhookDeliveries.id, options.beforeId));
  return db
    .select()
    .from(webhookDeliveries)
    .where(and(...conditions))
    .orderBy(desc(webhookDeliveries.id))
    .limit(options.first);
}

/** The tries of several deliveries in one query, oldest first, in the order of `ids`. */
export async function getWebhookAttempts(db: Database, ids: readonly number[]): Promise<WebhookAttemptRow[][]> {
  const rows = ids.length
    ? await db
        .select()
        .from(webhookAttempts)
        .where(inArray(webhookAttempts.deliveryId, [...ids]))
        .orderBy(asc(webhookAttempts.id))
    : [];
  const byDelivery = new Map<number, WebhookAttemptRow[]>(ids.map((id) => [id, []]));
  for (const row of rows) byDelivery.get(row.deliveryId)?.push(row);
  return ids.map((id) => byDelivery.get(id) ?? []);
}
