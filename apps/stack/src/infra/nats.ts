import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { canConnect, startNatsServer, type LineSink } from "@aq/devkit";

export interface NatsEndpoint {
  url: string;
  /** "env": NATS_URL; "local": a server already answering on 127.0.0.1:4222; "started": ours. */
  origin: "env" | "local" | "started";
  /** The nats-server process, when we started it. */
  pid?: number;
  stop(): Promise<void>;
}

const LOCAL_HOST = "127.0.0.1";
const LOCAL_PORT = 4222;

/** Fails with an actionable message when the server answers but has JetStream off. */
async function assertJetStream(url: string): Promise<void> {
  let nc;
  try {
    nc = await connect({ servers: url, timeout: 5000, name: "aq-stack" });
  } catch (error) {
    throw new Error(`could not connect to NATS at ${url}: ${(error as Error).message}`, { cause: error });
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: 5000 });
    await jsm.getAccountInfo();
  } catch (error) {
    throw new Error(
      `NATS at ${url} answers but JetStream is not available (start it with \`nats-server -js\`): ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  } finally {
    await nc.close();
  }
}

export interface NatsOptions {
  /** NATS_URL of the caller's environment; used as it is when set. */
  url?: string;
  /** Use a server already answering on 127.0.0.1:4222. */
  reuseLocal: boolean;
  storeDir: string;
  port: number;
  logs: LineSink;
}

/**
 * NATS with JetStream: the configured URL, else the one answering on the default address,
 * else a `nats-server -js` child of ours with its store in `storeDir` (kept between runs, so
 * queued work survives a restart of the stack).
 */
export async function provideNats(options: NatsOptions): Promise<NatsEndpoint> {
  const none = async () => {};
  if (options.url) {
    await assertJetStream(options.url);
    return { url: options.url, origin: "env", stop: none };
  }
  if (options.reuseLocal && (await canConnect(LOCAL_HOST, LOCAL_PORT))) {
    const url = `nats://${LOCAL_HOST}:${LOCAL_PORT}`;
    await assertJetStream(url);
    return { url, origin: "local", stop: none };
  }
  // Its start-up banner would bury the services' lines; it goes to a file next to the store.
  const server = await startNatsServer({
    port: options.port,
    storeDir: options.storeDir,
    logFile: join(options.storeDir, "nats-server.log"),
    logs: options.logs,
  });
  try {
    await assertJetStream(server.url);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: server.url, origin: "started", pid: server.pid, stop: () => server.stop() };
}
