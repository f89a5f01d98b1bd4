import type { NatsConnection, Status } from "@nats-io/nats-core";
import { connect } from "@nats-io/transport-node";
import type { Logger } from "../log/index.js";

export type { NatsConnection };

function logStatus(log: Logger, status: Status): void {
  switch (status.type) {
    case "disconnect":
      log.warn({ server: status.server }, "NATS disconnected; reconnecting");
      break;
    case "reconnect":
      log.info({ server: status.server }, "NATS reconnected");
      break;
    case "error":
      log.error({ err: status.error }, "NATS connection error");
      break;
    case "staleConnection":
      log.warn("NATS connection went stale");
      break;
    case "slowConsumer":
      log.warn({ subject: status.sub.getSubject(), pending: status.pending }, "NATS slow consumer");
      break;
    case "ldm":
      log.info({ server: status.server }, "NATS server entering lame duck mode");
      break;
    case "close":
      log.info("NATS connection closed");
      break;
    default:
      // reconnect attempts, pings and cluster updates: too frequent to be news.
      log.debug({ status: status.type }, "NATS status");
  }
}

/**
 * Connects to NATS and keeps the connection for the life of the process: the first connect
 * waits for the server to come up, and a lost connection is retried forever (JetStream
 * state lives on the server, so nothing is lost while it is away).
 */
export async function connectBus(url: string, log: Logger, options: { name?: string } = {}): Promise<NatsConnection> {
  const nc = await connect({
    servers: url,
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    waitOnFirstConnect: true,
  });
  log.info({ server: nc.getServer() }, "connected to NATS");
  void (async () => {
    for await (const status of nc.status()) logStatus(log, status);
  })();
  return nc;
}

/**
 * Flushes what was published and closes the connection. Draining needs the server, so when
 * it is unreachable the connection is closed without it after `timeoutMs`.
 */
export async function closeBus(nc: NatsConnection, timeoutMs = 5000): Promise<void> {
  if (nc.isClosed()) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
  const drained = (nc.isDraining() ? nc.closed() : nc.drain()).then(
    () => "drained" as const,
    () => "failed" as const,
  );
  const outcome = await Promise.race([drained, timedOut]);
  clearTimeout(timer);
  if (outcome !== "drained" && !nc.isClosed()) await nc.close();
}
