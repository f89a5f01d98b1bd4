import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../log/index.js";

export interface RunningService {
  /** True when the service can do its work (connections up); drives GET /readyz. */
  ready: () => Promise<boolean> | boolean;
  /** Stops taking work, finishes or hands back what is in flight, closes connections. */
  stop: () => Promise<void>;
}

export interface RunServiceOptions {
  name: string;
  /** 0 picks a free port (logged). */
  healthPort: number;
  healthHost?: string;
  log: Logger;
  /** Longest wait for stop() after SIGTERM/SIGINT before the process exits with 1. */
  shutdownTimeoutMs: number;
  /** Connects and starts the work; `signal` aborts when shutdown begins. */
  start: (context: { signal: AbortSignal }) => Promise<RunningService>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * The process around a long-running service: /healthz (alive) and /readyz (ready() true)
 * on a small HTTP port, SIGTERM/SIGINT start a graceful stop bounded by shutdownTimeoutMs,
 * and the process exits 0 after a clean stop, 1 after a failed start, a failed or overlong
 * stop, a second signal, or an error nothing caught.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  const { log, name } = options;
  const controller = new AbortController();
  let service: RunningService | undefined;
  /** Replaced by start()'s promise once the health port is open. */
  let starting: Promise<RunningService | undefined> = Promise.resolve(undefined);
  let shuttingDown = false;

  const exit = (code: number): never => {
    log.flush?.();
    process.exit(code);
  };

  const health = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const reply = (status: number, body: Record<string, unknown>) => {
      response.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
      response.end(JSON.stringify(body));
    };
    if (request.method !== "GET" && request.method !== "HEAD") return reply(405, { error: "method not allowed" });
    if (path === "/healthz") return reply(200, { status: "ok", service: name });
    if (path !== "/readyz") return reply(404, { error: "not found" });
    if (!service || shuttingDown) return reply(503, { ready: false, service: name });
    Promise.resolve()
      .then(() => service!.ready())
      .then(
        (ready) => reply(ready ? 200 : 503, { ready, service: name }),
        (error: unknown) => {
          log.warn({ err: error }, "readiness check failed");
          reply(503, { ready: false, service: name });
        },
      );
  });

  const shutdown = async (reason: string) => {
    if (shuttingDown) {
      log.warn({ reason }, "second stop request; exiting now");
      exit(1);
    }
    shuttingDown = true;
    log.info({ reason, timeoutMs: options.shutdownTimeoutMs }, "shutting down");
    controller.abort(new Error(`shutdown: ${reason}`));
    const timer = setTimeout(() => {
      log.error({ timeoutMs: options.shutdownTimeoutMs }, "shutdown took too long; exiting");
      exit(1);
    }, options.shutdownTimeoutMs);
    let code = 0;
    try {
      // A service still starting sees the aborted signal; it is stopped once start returns.
      const running = service ?? (await starting.catch(() => undefined));
      await running?.stop();
      log.info("stopped");
    } catch (error) {
      log.error({ err: error }, "stop failed");
      code = 1;
    }
    clearTimeout(timer);
    health.close();
    exit(code);
  };

  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("uncaughtException", (error) => {
    log.fatal({ err: error }, "uncaught exception");
    exit(1);
  });
  process.on("unhandledRejection", (error) => {
    log.fatal({ err: error }, "unhandled rejection");
    exit(1);
  });

  try {
    const address = await listen(health, options.healthPort, options.healthHost ?? "127.0.0.1");
    log.info({ host: address.address, port: address.port }, "health endpoints listening");
  } catch (error) {
    log.fatal({ err: error, port: options.healthPort }, "could not open the health port");
    exit(1);
  }

  if (shuttingDown) return;
  starting = options.start({ signal: controller.signal });
  try {
    service = await starting;
  } catch (error) {
    // A start cut short by a stop request is the shutdown's to finish.
    if (shuttingDown) return;
    log.fatal({ err: error }, "start failed");
    exit(1);
  }
  if (!shuttingDown) log.info("started");
}
