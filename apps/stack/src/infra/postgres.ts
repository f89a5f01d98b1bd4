import pg from "pg";
import { closeDatabase, createDatabase, runMigrations } from "@aq/platform/db";
import { canConnect, startPgliteServer } from "@aq/devkit";

export interface PostgresEndpoint {
  url: string;
  /** "env": DATABASE_URL; "local": the server on 127.0.0.1:5432; "embedded": our PGlite server. */
  origin: "env" | "local" | "embedded";
  stop(): Promise<void>;
}

const LOCAL_HOST = "127.0.0.1";
const LOCAL_PORT = 5432;
const STACK_DATABASE = "aq";

async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Postgres answers on ${LOCAL_HOST}:${LOCAL_PORT} but refused user postgres without a password (${(error as Error).message}); set DATABASE_URL`,
      { cause: error },
    );
  }
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } catch (error) {
        // 42P04: a second stack created it in between.
        if ((error as { code?: string }).code !== "42P04") throw error;
      }
    }
  } finally {
    await client.end();
  }
}

export interface PostgresOptions {
  /** DATABASE_URL of the caller's environment; used as it is when set. */
  url?: string;
  /** Use the server answering on 127.0.0.1:5432 (database `aq`, created when missing). */
  reuseLocal: boolean;
  embeddedDataDir: string;
  /** Default: a free port. */
  embeddedPort?: number;
}

/** Postgres for the stack, with the schema migrated before any service starts. */
export async function providePostgres(options: PostgresOptions): Promise<PostgresEndpoint> {
  let endpoint: PostgresEndpoint;
  if (options.url) {
    endpoint = { url: options.url, origin: "env", stop: async () => {} };
  } else if (options.reuseLocal && (await canConnect(LOCAL_HOST, LOCAL_PORT))) {
    await ensureDatabase(`postgres://postgres@${LOCAL_HOST}:${LOCAL_PORT}/postgres`, STACK_DATABASE);
    endpoint = { url: `postgres://postgres@${LOCAL_HOST}:${LOCAL_PORT}/${STACK_DATABASE}`, origin: "local", stop: async () => {} };
  } else {
    // PGlite served on loopback, so that the separate service processes share one database.
    const embedded = await startPgliteServer({ dataDir: options.embeddedDataDir, port: options.embeddedPort });
    endpoint = { url: embedded.url, origin: "embedded", stop: embedded.stop };
  }
  const db = createDatabase(endpoint.url, { max: 1 });
  try {
    await runMigrations(db);
  } catch (error) {
    await endpoint.stop();
    throw new Error(`could not migrate the database at ${redactUrl(endpoint.url)}: ${(error as Error).message}`, { cause: error });
  } finally {
    await closeDatabase(db);
  }
  return endpoint;
}

/** A connection URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable URL)";
  }
}
