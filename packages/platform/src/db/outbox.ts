import { inArray, sql } from "drizzle-orm";
import type { Database } from "./client.js";
import { outbox } from "./schema.js";

export interface OutboxMessage {
  id: number;
  subject: string;
  payload: unknown;
  /** The event's own JetStream message id, when it has one. */
  messageId: string | null;
}

/** How long a relay may take to publish a claimed batch before another relay may claim it. */
const CLAIM_MS = 60_000;

/**
 * Publishes pending outbox rows in order and deletes them. A short transaction claims a batch
 * (SKIP LOCKED, then `claimed_until`), so no lock is held while publishing and several relays
 * never publish the same batch at once; a relay that dies mid-batch leaves its claim to expire.
 * A row is deleted only once published, and re-publishing one is harmless: its message id is
 * stable and JetStream drops the repeat.
 */
export async function drainOutbox(db: Database, publish: (message: OutboxMessage) => Promise<void>, batchSize = 100): Promise<number> {
  const claimed = await db.execute<{ id: string; subject: string; payload: unknown; message_id: string | null }>(sql`
    update ${outbox} set claimed_until = now() + make_interval(secs => ${CLAIM_MS / 1000})
    where id in (
      select id from ${outbox}
      where claimed_until is null or claimed_until < now()
      order by id
      limit ${batchSize}
      for update skip locked
    )
    returning id, subject, payload, message_id`);
  const rows = claimed.rows
    .map((r) => ({ id: Number(r.id), subject: r.subject, payload: r.payload, messageId: r.message_id }))
    .sort((a, b) => a.id - b.id);
  const published: number[] = [];
  try {
    for (const row of rows) {
      await publish(row);
      published.push(row.id);
    }
  } finally {
    if (published.length) await db.delete(outbox).where(inArray(outbox.id, published));
    // A failed publish gives the rest of the batch back at once rather than when the claim expires.
    const unpublished = rows.map((r) => r.id).filter((id) => !published.includes(id));
    if (unpublished.length) await db.update(outbox).set({ claimedUntil: null }).where(inArray(outbox.id, unpublished));
  }
  return rows.length;
}
