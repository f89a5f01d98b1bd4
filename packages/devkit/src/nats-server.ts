import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sleep } from "@aq/platform/service";
import { killOnExit, stopChild } from "./child-processes.js";
import { canConnect, freePort } from "./free-port.js";

export interface TestNatsServer {
  url: string;
  port: number;
  /**
   * Stops the server and starts it again on the same port with the same JetStream store;
   * `whileDown` runs in between (to exercise clients while the server is away).
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const START_TIMEOUT_MS = 15_000;

/** The nats-server binary: NATS_SERVER_BIN, else the one on PATH. */
function natsServerBinary(): string {
  return process.env.NATS_SERVER_BIN ?? "nats-server";
}

async function launch(port: number, storeDir: string): Promise<ChildProcess> {
  const child = spawn(natsServerBinary(), ["-js", "-a", HOST, "-p", String(port), "-sd", storeDir], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  killOnExit(child);
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  let spawnError: Error | undefined;
  child.once("error", (error) => {
    spawnError = error;
  });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`could not start nats-server (${natsServerBinary()}): ${spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`nats-server exited with code ${child.exitCode}: ${stderr.trim()}`);
    if (await canConnect(HOST, port, 500)) return child;
    await sleep(25);
  }
  await stopChild(child);
  throw new Error(`nats-server did not accept connections on ${HOST}:${port} within ${START_TIMEOUT_MS} ms: ${stderr.trim()}`);
}

/**
 * A nats-server with JetStream of its own (free loopback port, temporary store), so that
 * every suite has its own streams and consumers.
 */
export async function startNatsServer(): Promise<TestNatsServer> {
  const storeDir = await mkdtemp(join(tmpdir(), "aq-nats-"));
  let port = await freePort(HOST);
  let child: ChildProcess;
  try {
    child = await launch(port, storeDir);
  } catch {
    // The probed port may have been taken in between; one more try on a new one.
    port = await freePort(HOST);
    child = await launch(port, storeDir).catch(async (error: unknown) => {
      await rm(storeDir, { recursive: true, force: true });
      throw error;
    });
  }
  return {
    url: `nats://${HOST}:${port}`,
    port,
    async restart(whileDown) {
      await stopChild(child);
      try {
        await whileDown?.();
      } finally {
        child = await launch(port, storeDir);
      }
    },
    async stop() {
      await stopChild(child);
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}
