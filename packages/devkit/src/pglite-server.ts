import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./free-port.js";

export interface PgliteServer {
  /** postgres:// URL of the one database PGlite holds. */
  url: string;
  stop(): Promise<void>;
}

/**
 * An embedded Postgres (PGlite, Postgres compiled to WebAssembly) served over the Postgres
 * wire protocol on a loopback port, with its data in a temporary directory. For machines
 * without a Postgres server. PGlite holds one database and runs one query at a time; the
 * socket server keeps a connection's transaction together, so pools of several connections
 * behave (slowly, serially).
 */
export async function startPgliteServer(): Promise<PgliteServer> {
  // Loaded on demand: only machines without Postgres pay for the WebAssembly module.
  const [{ PGlite }, { PGLiteSocketServer }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("@electric-sql/pglite-socket"),
  ]);
  const dataDir = await mkdtemp(join(tmpdir(), "aq-pglite-"));
  const pglite = await PGlite.create(dataDir);
  const port = await freePort();
  const server = new PGLiteSocketServer({ db: pglite, host: "127.0.0.1", port, maxConnections: 64 });
  try {
    await server.start();
  } catch (error) {
    await pglite.close();
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`could not serve PGlite on 127.0.0.1:${port}`, { cause: error });
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    async stop() {
      await server.stop();
      await pglite.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
