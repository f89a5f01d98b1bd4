import { webhookServiceConfig } from "@aq/config";
import { closeBus, connectBus, ensurePipelineStream } from "@aq/platform/bus";
import { closeDatabase, createDatabase, runMigrations, syncConfigWebhookEndpoints } from "@aq/platform/db";
import { createLogger } from "@aq/platform/log";
import { loadConfigOrExit, runService } from "@aq/platform/service";
import { createSecretBox } from "@aq/platform/webhooks";
import { configEndpointRows } from "./config-endpoints.js";
import { startDispatcher } from "./dispatcher.js";
import { runFanOut } from "./fan-out.js";

const config = loadConfigOrExit("webhook-service", webhookServiceConfig);
const log = createLogger("webhook-service", config.LOG_LEVEL);

await runService({
  name: "webhook-service",
  log,
  healthHost: config.HEALTH_HOST,
  healthPort: config.HEALTH_PORT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_SECONDS * 1000,
  start: async ({ signal }) => {
    const db = createDatabase(config.DATABASE_URL);
    await runMigrations(db);
    const secrets = createSecretBox(config.WEBHOOK_SECRETS_KEY!);
    await syncConfigWebhookEndpoints(db, configEndpointRows(config.WEBHOOK_ENDPOINTS, secrets));
    if (config.WEBHOOK_ENDPOINTS.length)
      log.info({ endpoints: config.WEBHOOK_ENDPOINTS.length }, "webhook endpoints from WEBHOOK_ENDPOINTS written");
    const nc = await connectBus(config.NATS_URL, log, { name: "webhook-service" });
    await ensurePipelineStream(nc);
    const dispatcher = startDispatcher({
      db,
      log,
      secrets,
      signal,
      settings: {
        concurrency: config.WEBHOOK_CONCURRENCY,
        timeoutMs: config.WEBHOOK_TIMEOUT_SECONDS * 1000,
        retryBaseMs: config.WEBHOOK_RETRY_BASE_SECONDS * 1000,
        retryMaxMs: config.WEBHOOK_RETRY_MAX_SECONDS * 1000,
        retryWindowMs: config.WEBHOOK_RETRY_WINDOW_HOURS * 3600 * 1000,
        allowPrivate: config.SOURCE_URL_ALLOW_PRIVATE,
      },
    });
    const fanOut = runFanOut({ db, nc, log, ackWaitSeconds: config.NATS_ACK_WAIT_SECONDS, signal, queued: dispatcher.wake });
    return {
      ready: () => !nc.isClosed(),
      stop: async () => {
        await fanOut;
        await dispatcher.stopped;
        await closeBus(nc);
        await closeDatabase(db);
      },
    };
  },
});
