import { asc, inArray, isNull } from "drizzle-orm";
import type { Database } from "./client.js";
import { outbox } from "./schema.js";

export interface OutboxMessage {
  id: number;
  subject: string;
  payload: unknown;
}

/**
 * Publishes pending outbox rows in order. Rows are locked (SKIP LOCKED) so that several
 * relays never publish the same batch at once; a crash after publishing but before marking
 * re-publishes with the same message id, which JetStream de-duplicates.
 */
export async function drainOutbox(db: Database, publish: (message: OutboxMessage) => Promise<void>, batchSize = 100): Promise<number> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ id: outbox.id, subject: outbox.subject, payload: outbox.payload })
      .from(outbox)
      .where(isNull(outbox.publishedAt))
      .orderBy(asc(outbox.id))
      .limit(batchSize)
      .for("update", { skipLocked: true });
    for (const row of rows) await publish(row);
    if (rows.length) {
      await tx
        .update(outbox)
        .set({ publishedAt: new Date() })
        .where(inArray(outbox.id, rows.map((r) => r.id)));
    }
    return rows.length;
  });
}
