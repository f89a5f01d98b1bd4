import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { canConnect, freePort } from "./free-port.js";
import { startOwnedProcess, waitUntilReady, type LineSink, type OwnedProcess } from "./owned-process.js";

export interface TestNatsServer {
  url: string;
  port: number;
  /** The nats-server process (changes on restart). */
  readonly pid: number | undefined;
  /**
   * Stops the server and starts it again on the same port with the same JetStream store;
   * `whileDown` runs in between (to exercise clients while the server is away).
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export interface NatsServerOptions {
  /** Default: a free loopback port. */
  port?: number;
  /** JetStream store, kept after stop(). Default: a temporary directory, removed on stop(). */
  storeDir?: string;
  /** nats-server's own log file (its banner would bury a console). Default: its stderr, in `logs`. */
  logFile?: string;
  /** Where its output lines go. Default: kept for the error message when it fails to start. */
  logs?: LineSink;
  /** The address it listens on. Default: 127.0.0.1. */
  host?: string;
}

const START_TIMEOUT_MS = 15_000;

/** The nats-server binary: NATS_SERVER_BIN, else the one on PATH. */
function natsServerBinary(): string {
  return process.env.NATS_SERVER_BIN ?? "nats-server";
}

async function launch(port: number, storeDir: string, options: NatsServerOptions): Promise<OwnedProcess> {
  const host = options.host ?? "127.0.0.1";
  const lines: string[] = [];
  const server = startOwnedProcess({
    name: "nats",
    command: natsServerBinary(),
    args: ["-js", "-a", host, "-p", String(port), "-sd", storeDir, ...(options.logFile ? ["-l", options.logFile] : [])],
    logs: (source, line, stream) => {
      lines.push(line);
      if (lines.length > 30) lines.shift();
      options.logs?.(source, line, stream);
    },
  });
  try {
    await waitUntilReady(server, () => canConnect(host, port, 500), {
      timeoutMs: START_TIMEOUT_MS,
      what: `nats-server on ${host}:${port}`,
      whenExited: () =>
        `${natsServerBinary()} ${server.exitDescription()}${options.logFile ? ` (see ${options.logFile})` : `: ${lines.join("\n")}`}` +
        " (install it with scripts/install-system-deps.sh, or set NATS_URL)",
    });
  } catch (error) {
    await server.stop(1000);
    throw error;
  }
  return server;
}

/**
 * A nats-server with JetStream of its own on loopback: by default on a free port with a
 * temporary store, so that every suite has its own streams and consumers; the local stack
 * gives it its port and a store kept between runs.
 */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<TestNatsServer> {
  const storeDir = options.storeDir ?? (await mkdtemp(join(tmpdir(), "aq-nats-")));
  await mkdir(storeDir, { recursive: true });
  const removeStore = () => (options.storeDir ? Promise.resolve() : rm(storeDir, { recursive: true, force: true }));
  const host = options.host ?? "127.0.0.1";
  let port = options.port ?? (await freePort(host));
  let server: OwnedProcess;
  try {
    server = await launch(port, storeDir, options);
  } catch (error) {
    // A probed free port may have been taken in between; one more try on a new one.
    if (options.port !== undefined) {
      await removeStore();
      throw error;
    }
    port = await freePort(host);
    server = await launch(port, storeDir, options).catch(async (second: unknown) => {
      await removeStore();
      throw second;
    });
  }
  return {
    url: `nats://${host}:${port}`,
    port,
    get pid() {
      return server.pid;
    },
    async restart(whileDown) {
      await server.stop(5000);
      try {
        await whileDown?.();
      } finally {
        server = await launch(port, storeDir, options);
      }
    },
    async stop() {
      await server.stop(5000);
      await removeStore();
    },
  };
}
