import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import type { Database } from "./client.js";

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), "migrations");

/** Any fixed 64-bit number, the same in every AQ process: "AQ migrate" in ASCII. */
const MIGRATION_LOCK_KEY = 0x4151_6d69_6772_6174n;

/**
 * Applies pending migrations. Every service migrates on start, and Drizzle's migrator takes no
 * lock (drizzle-orm issue 874): two processes would both see a migration as pending and both
 * run it. A session advisory lock makes them take turns; the later ones find nothing to do.
 * The migrations run on the locked connection itself, so a pool of one is enough.
 */
export async function runMigrations(db: Database): Promise<void> {
  const client = await db.$client.connect();
  try {
    // Waiting for another process's migration, or a migration rewriting a large table, may
    // take longer than the pool's statement timeout; the connection gets it back afterwards.
    await client.query("set statement_timeout = 0");
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
    try {
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]);
      await client.query("reset statement_timeout");
    }
  } finally {
    client.release();
  }
}
