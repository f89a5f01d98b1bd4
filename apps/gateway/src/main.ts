import { closeBus, connectBus, ensurePipelineStream } from "@aq/platform/bus";
import { closeDatabase, createDatabase, runMigrations } from "@aq/platform/db";
import { createLogger } from "@aq/platform/log";
import { loadConfigOrExit, runService } from "@aq/platform/service";
import { createStorage } from "@aq/platform/storage";
import { gatewayConfigSchema } from "./config.js";
import { createGateway } from "./gateway.js";

const config = loadConfigOrExit("gateway", gatewayConfigSchema);
const log = createLogger("gateway", config.LOG_LEVEL);

await runService({
  name: "gateway",
  log,
  healthHost: config.HEALTH_HOST,
  healthPort: config.HEALTH_PORT,
  shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_SECONDS * 1000,
  start: async () => {
    const db = createDatabase(config.DATABASE_URL);
    if (config.MIGRATE_ON_START) await runMigrations(db);
    const nc = await connectBus(config.NATS_URL, log, { name: "gateway" });
    await ensurePipelineStream(nc);
    const storage = createStorage(config);
    const gateway = await createGateway({ config, db, nc, storage, log });
    await gateway.listen();
    return {
      ready: () => gateway.ready(),
      stop: async () => {
        await gateway.close();
        await closeBus(nc);
        await closeDatabase(db);
        storage.client.destroy();
      },
    };
  },
});
