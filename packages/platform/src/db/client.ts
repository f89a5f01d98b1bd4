import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import * as schema from "./schema.js";

export type Database = NodePgDatabase<typeof schema> & { $client: pg.Pool };

export interface DatabaseOptions {
  /** Connections in the pool. */
  max?: number;
  /** How long a query waits for a free connection (or a new one to open) before it fails. */
  connectionTimeoutMs?: number;
  /** How long the server lets one statement run before cancelling it; migrations lift it. */
  statementTimeoutMs?: number;
}

/**
 * A pool whose queries cannot wait for ever: a burst that exhausts it, or a database that
 * stops answering, fails queries after connectionTimeoutMs instead of piling them up, and a
 * runaway statement is cancelled by the server after statementTimeoutMs.
 */
export function createDatabase(url: string, options: DatabaseOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
    statement_timeout: options.statementTimeoutMs ?? 30_000,
  });
  // An idle client losing its connection (database restart) must not crash the process;
  // the next query gets a fresh connection.
  pool.on("error", () => {});
  // Nor may a checked-out one: pg emits a lost connection on the client, and the pool listens only
  // while the client is idle. A transaction awaiting other work (completeChunk writes playlists to
  // the bucket inside it) met a Postgres cut there and the encoder died of an uncaught
  // ECONNRESET. The transaction's next query fails instead, and the caller's error handling runs.
  pool.on("connect", (client) => client.on("error", () => {}));
  return drizzle(pool, { schema }) as Database;
}

export async function closeDatabase(db: Database): Promise<void> {
  await db.$client.end();
}
