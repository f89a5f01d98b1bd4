import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

export interface PgliteServer {
  /** postgres:// URL of the one database PGlite holds. */
  url: string;
  stop(): Promise<void>;
}

export interface PgliteServerOptions {
  /** Its data, kept after stop(). Default: a temporary directory, removed on stop(). */
  dataDir?: string;
  /** Default: a free loopback port. */
  port?: number;
}

/**
 * An embedded Postgres (PGlite, Postgres compiled to WebAssembly) served over the Postgres
 * wire protocol on loopback, for machines without a Postgres server; it runs inside this
 * process, so it ends with it. PGlite holds one database and runs one query at a time; the
 * socket server keeps a connection's transaction together, so pools of several connections
 * behave (slowly, serially).
 */
export async function startPgliteServer(options: PgliteServerOptions = {}): Promise<PgliteServer> {
  // Loaded on demand: only machines without Postgres pay for the WebAssembly module.
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([import("@electric-sql/pglite"), import("@electric-sql/pglite-socket")]);
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), "aq-pglite-")));
  await mkdir(dataDir, { recursive: true });
  const removeData = () => (options.dataDir ? Promise.resolve() : rm(dataDir, { recursive: true, force: true }));
  const pglite = await PGlite.create(dataDir);
  const port = options.port ?? (await freePort());
  const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port, maxConnections: 64 });
  try {
    await server.start();
  } catch (error) {
    await pglite.close();
    await removeData();
    throw new Error(`could not serve PGlite on 127.0.0.1:${port}`, { cause: error });
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await pglite.close();
      await removeData();
    },
  };
}
