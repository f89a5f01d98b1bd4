import { randomBytes } from "node:crypto";
import pg from "pg";
import { closeDatabase, createDatabase, runMigrations, type Database } from "@aq/platform/db";
import { canConnect } from "./free-port.js";
import { startPgliteServer } from "./pglite-server.js";

export interface TestDatabase {
  url: string;
  db: Database;
  /** Closes the pool and removes the database. */
  drop(): Promise<void>;
}

const LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres";

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

let serverUrl: Promise<string | null> | undefined;

/** The Postgres server tests use: DATABASE_URL's, else one on 127.0.0.1:5432, else none. */
function findPostgresServer(): Promise<string | null> {
  serverUrl ??= (async () => {
    if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
    return (await canConnect("127.0.0.1", 5432)) ? LOCAL_POSTGRES : null;
  })();
  return serverUrl;
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function migrated(url: string, drop: () => Promise<void>): Promise<TestDatabase> {
  const db = createDatabase(url, { max: 5 });
  try {
    await runMigrations(db);
  } catch (error) {
    await closeDatabase(db);
    await drop();
    throw error;
  }
  return {
    url,
    db,
    async drop() {
      await closeDatabase(db);
      await drop();
    },
  };
}

/**
 * A fresh, migrated database that belongs to one test or suite: `aq_test_<random>` on the
 * Postgres server found, or an embedded PGlite server when no Postgres answers.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = await findPostgresServer();
  if (!server) {
    const pglite = await startPgliteServer();
    return migrated(pglite.url, () => pglite.stop());
  }
  const name = `aq_test_${randomBytes(6).toString("hex")}`;
  await adminQuery(server, `CREATE DATABASE ${name}`);
  return migrated(withDatabase(server, name), () => adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}
