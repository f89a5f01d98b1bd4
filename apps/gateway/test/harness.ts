import { connectBus, closeBus, ensurePipelineStream, type NatsConnection } from "@aq/platform/bus";
import type { Database } from "@aq/platform/db";
import { createLogger } from "@aq/platform/log";
import type { Storage } from "@aq/platform/storage";
import { createTestDatabase, startNatsServer, startS3Server, type TestDatabase, type TestNatsServer, type TestS3Server } from "@aq/devkit";
import { loadGatewayConfig } from "../src/config.js";
import { createGateway, type Gateway, type GatewayOptions } from "../src/gateway.js";

export const TEST_API_KEY = "test-api-key-0123456789";
export const TEST_SIGNING_KEYS = "test1:test-playback-secret-0123456789abcdef";

export interface Infrastructure {
  nats: TestNatsServer;
  database: TestDatabase;
  s3: TestS3Server;
  /** The variables a gateway or service process reads to reach these servers. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** A NATS server, a fresh database and an S3 server of this suite's own. */
export async function startInfrastructure(): Promise<Infrastructure> {
  const [nats, database, s3] = await Promise.all([startNatsServer(), createTestDatabase(), startS3Server()]);
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    NATS_URL: nats.url,
    ...Object.fromEntries(Object.entries(s3.env).map(([name, value]) => [name, String(value)])),
  };
  return {
    nats,
    database,
    s3,
    env,
    async stop() {
      await Promise.all([nats.stop(), database.drop(), s3.stop()]);
    },
  };
}

export interface GraphqlResult<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  db: Database;
  storage: Storage;
  nc: NatsConnection;
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { apiKey?: string | null },
  ): Promise<GraphqlResult<T>>;
  stop(): Promise<void>;
}

/** A gateway in this process on a free port, against the given infrastructure. */
export async function startTestGateway(
  infra: Infrastructure,
  env: Record<string, string> = {},
  options: GatewayOptions = {},
): Promise<TestGateway> {
  const log = createLogger("gateway-test", process.env.TEST_LOG_LEVEL ?? "silent");
  const config = loadGatewayConfig({
    ...infra.env,
    GATEWAY_PORT: "0",
    API_KEYS: TEST_API_KEY,
    PLAYBACK_SIGNING_KEYS: TEST_SIGNING_KEYS,
    SOURCE_URL_ALLOW_PRIVATE: "false",
    LOG_LEVEL: "silent",
    ...env,
  });
  const nc = await connectBus(infra.nats.url, log);
  await ensurePipelineStream(nc);
  const gateway = await createGateway({ config, db: infra.database.db, nc, storage: infra.s3.storage, log }, options);
  const url = await gateway.listen();
  return {
    gateway,
    url,
    db: infra.database.db,
    storage: infra.s3.storage,
    nc,
    async graphql(query, variables, options = {}) {
      const apiKey = options.apiKey === undefined ? TEST_API_KEY : options.apiKey;
      const res = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, ...((await res.json()) as object) };
    },
    async stop() {
      await gateway.close();
      await closeBus(nc);
    },
  };
}
