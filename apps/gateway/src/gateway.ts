import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { fastifyApolloDrainPlugin } from "@as-integrations/fastify";
import Fastify from "fastify";
import { NoSchemaIntrospectionCustomRule, type ValidationRule } from "graphql";
import DataLoader from "dataloader";
import { startOutboxRelay, type OutboxRelay } from "@aq/platform/bus";
import { getVideoHistories, getWebhookAttempts } from "@aq/platform/db";
import { parsePlaybackKeys } from "@aq/platform/playback";
import { createStorage } from "@aq/platform/storage";
import { createSecretBox } from "@aq/platform/webhooks";
import { apiKeyIdentifier } from "./auth.js";
import type { GatewayDeps, GatewayRuntime } from "./deps.js";
import type { GatewayContext } from "./graphql/context.js";
import { BusGaps } from "./graphql/bus-gaps.js";
import { withExecutionDeadline } from "./graphql/execution-deadline.js";
import { errorFormatter } from "./graphql/format-error.js";
import { unauthenticated } from "./graphql/errors.js";
import { MAX_COST, MAX_TOKENS, operationLimitsRule } from "./graphql/limits.js";
import { buildSchema } from "./graphql/schema.js";
import { attachSubscriptionServer, DEFAULT_WEBSOCKET_LIMITS, type WebSocketLimits } from "./graphql/subscriptions.js";
import { playbackRoute } from "./http/playback-route.js";
import { registerRoutes } from "./http/routes.js";
import { VideoAvailability } from "./http/video-availability.js";
import { MAX_PAGE_SIZE } from "./resolvers/queries.js";
import { startUploadSweep } from "./upload-sweep.js";

export interface Gateway {
  httpServer: Server;
  /** Starts listening (GATEWAY_HOST/GATEWAY_PORT unless given); resolves with the base URL. */
  listen(port?: number, host?: string): Promise<string>;
  /** The base URL once listening, e.g. http://127.0.0.1:4000. */
  url(): string;
  /** Database and NATS reachable. */
  ready(): Promise<boolean>;
  /** Stops accepting, closes subscriptions, lets in-flight requests finish, stops the relay. The deps stay open. */
  close(): Promise<void>;
}

export interface GatewayOptions {
  /**
   * Run an outbox relay in this process, woken after every mutation so that status changes are
   * announced at once (several relays in several processes are safe). Default true.
   */
  relay?: boolean;
  /** How often this gateway expires unused uploads and removes left-over upload objects (upload-sweep.ts); default 60 s, false: never. */
  uploadSweepIntervalMs?: number | false;
  /** How long one query or mutation may execute, over HTTP or WebSocket, before its remaining fields fail (default EXECUTION_TIME_LIMIT_MS). */
  executionTimeLimitMs?: number;
  /** Overrides of the WebSocket limits (DEFAULT_WEBSOCKET_LIMITS; messages up to GRAPHQL_MAX_BODY_BYTES). */
  webSocketLimits?: Partial<WebSocketLimits>;
}

/** A query that takes longer has gone wrong: the largest page the cost budget allows takes well under a second. */
const EXECUTION_TIME_LIMIT_MS = 10_000;

/** Wakes the outbox relay after each mutation so its status events go out without waiting for a poll. */
function wakeRelayPlugin(relay: OutboxRelay): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation }) {
          if (operation?.operation === "mutation") relay.wake();
        },
      };
    },
  };
}

/**
 * Builds the gateway on one Fastify server: GraphQL over HTTP and WebSocket at /graphql,
 * signed playback at /v/..., health at /healthz and /readyz. Connections are the caller's.
 */
export async function createGateway(deps: GatewayDeps, options: GatewayOptions = {}): Promise<Gateway> {
  const { config, log } = deps;
  const production = config.NODE_ENV === "production";
  let baseUrl: string | undefined;
  const runtime: GatewayRuntime = {
    ...deps,
    keyring: parsePlaybackKeys(config.PLAYBACK_SIGNING_KEYS),
    uploadStorage: config.UPLOAD_S3_ENDPOINT ? createStorage({ ...config, S3_ENDPOINT: config.UPLOAD_S3_ENDPOINT }) : deps.storage,
    busGaps: new BusGaps(deps.nc),
    webhookSecrets: config.WEBHOOK_SECRETS_KEY ? createSecretBox(config.WEBHOOK_SECRETS_KEY) : null,
    playbackBaseUrl: () => {
      const url = config.PLAYBACK_BASE_URL ?? baseUrl;
      if (!url) throw new Error("the gateway is not listening yet and PLAYBACK_BASE_URL is not set");
      return url;
    },
  };
  // One context per operation, so a loader batches within an operation and caches nothing longer.
  const context = (): GatewayContext => ({
    runtime,
    log,
    history: new DataLoader((ids) => getVideoHistories(deps.db, ids)),
    webhookAttempts: new DataLoader((ids) => getWebhookAttempts(deps.db, ids)),
  });
  const identify = apiKeyIdentifier(config.API_KEYS);
  if (config.API_KEYS.length === 0) log.warn("API_KEYS is empty: the GraphQL API accepts every caller");

  const background = new AbortController();
  const relay = options.relay === false ? null : startOutboxRelay(deps.db, deps.nc, { log, signal: background.signal });
  if (options.uploadSweepIntervalMs !== false) {
    const sweepDeps = { db: deps.db, storage: deps.storage, log, uploadUrlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS };
    startUploadSweep(sweepDeps, options.uploadSweepIntervalMs ?? 60_000, background.signal);
  }

  const schema = withExecutionDeadline(buildSchema(), options.executionTimeLimitMs ?? EXECUTION_TIME_LIMIT_MS);
  const formatError = errorFormatter(log, production);
  const rules: ValidationRule[] = [
    operationLimitsRule({
      maxDepth: config.GRAPHQL_MAX_DEPTH,
      maxFields: config.GRAPHQL_MAX_FIELDS,
      maxCost: MAX_COST,
      maxPageSize: MAX_PAGE_SIZE,
    }),
  ];
  if (production) rules.push(NoSchemaIntrospectionCustomRule);

  const ready = async () => {
    if (deps.nc.isClosed()) return false;
    try {
      await deps.db.$client.query("select 1");
      return true;
    } catch {
      return false;
    }
  };

  const app = Fastify({ bodyLimit: config.GRAPHQL_MAX_BODY_BYTES });
  const httpServer = app.server;
  const subscriptions = attachSubscriptionServer(httpServer, {
    schema,
    rules,
    maxTokens: MAX_TOKENS,
    production,
    identify,
    context,
    formatError,
    limits: { maxPayloadBytes: config.GRAPHQL_MAX_BODY_BYTES, ...DEFAULT_WEBSOCKET_LIMITS, ...options.webSocketLimits },
  });
  const apollo = new ApolloServer<GatewayContext>({
    schema,
    csrfPrevention: true,
    introspection: !production,
    // No "did you mean" field names in production (introspection is off there too).
    hideSchemaDetailsFromClientErrors: production,
    parseOptions: { maxTokens: MAX_TOKENS },
    includeStacktraceInErrorResponses: !production,
    validationRules: rules,
    formatError,
    plugins: [
      fastifyApolloDrainPlugin(app),
      {
        async serverWillStart() {
          return { drainServer: () => subscriptions.dispose() };
        },
      },
      ...(relay ? [wakeRelayPlugin(relay)] : []),
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();
  await registerRoutes(app, {
    log,
    apollo,
    context: async (request) => {
      if (identify(request.headers.authorization) === null) throw unauthenticated();
      return context();
    },
    corsOrigins: config.GRAPHQL_CORS_ORIGINS,
    playback: playbackRoute({
      keyring: runtime.keyring,
      storage: deps.storage,
      availability: new VideoAvailability(deps.db),
      log,
      corsOrigin: config.PLAYBACK_CORS_ORIGIN,
    }),
    ready,
  });

  return {
    httpServer,
    async listen(port = config.GATEWAY_PORT, host = config.GATEWAY_HOST) {
      await app.listen({ port, host });
      const address = httpServer.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      baseUrl = `http://${shownHost}:${address.port}`;
      log.info({ url: baseUrl, playbackBaseUrl: runtime.playbackBaseUrl() }, "gateway listening");
      return baseUrl;
    },
    url() {
      if (!baseUrl) throw new Error("the gateway is not listening");
      return baseUrl;
    },
    ready,
    async close() {
      await apollo.stop();
      background.abort();
      await relay?.stopped;
      if (runtime.uploadStorage !== deps.storage) runtime.uploadStorage.client.destroy();
    },
  };
}
