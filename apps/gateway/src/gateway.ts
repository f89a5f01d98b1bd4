import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { NoSchemaIntrospectionCustomRule, type ValidationRule } from "graphql";
import DataLoader from "dataloader";
import { startOutboxRelay, type OutboxRelay } from "@aq/platform/bus";
import { getVideoHistories } from "@aq/platform/db";
import { parsePlaybackKeys, PLAYBACK_ROUTE_PREFIX } from "@aq/platform/playback";
import { createStorage } from "@aq/platform/storage";
import { apiKeyIdentifier } from "./auth.js";
import type { GatewayDeps, GatewayRuntime } from "./deps.js";
import type { GatewayContext } from "./graphql/context.js";
import { BusGaps } from "./graphql/bus-gaps.js";
import { errorFormatter } from "./graphql/format-error.js";
import { unauthenticated } from "./graphql/errors.js";
import { MAX_COST, MAX_TOKENS, operationLimitsRule } from "./graphql/limits.js";
import { buildSchema } from "./graphql/schema.js";
import { attachSubscriptionServer, DEFAULT_WEBSOCKET_LIMITS, type WebSocketLimits } from "./graphql/subscriptions.js";
import { graphqlHandler } from "./http/graphql-handler.js";
import { healthRoutes } from "./http/health.js";
import { playbackRoute } from "./http/playback-route.js";
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
  /** Overrides of the WebSocket limits (DEFAULT_WEBSOCKET_LIMITS; messages up to GRAPHQL_MAX_BODY_BYTES). */
  webSocketLimits?: Partial<WebSocketLimits>;
}

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

function sendCorsPreflight(req: IncomingMessage, res: ServerResponse, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (!origin || !allowed.includes(origin)) return false;
  res.setHeader("access-control-allow-origin", origin);
  res.setHeader("vary", "Origin");
  if (req.method !== "OPTIONS") return false;
  res.writeHead(204, {
    "access-control-allow-methods": "GET, POST, OPTIONS",
    "access-control-allow-headers": "Authorization, Content-Type, Apollo-Require-Preflight",
    "access-control-max-age": "600",
  });
  res.end();
  return true;
}

/**
 * Builds the gateway on one Node HTTP server: GraphQL over HTTP and WebSocket at /graphql,
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
    playbackBaseUrl: () => {
      const url = config.PLAYBACK_BASE_URL ?? baseUrl;
      if (!url) throw new Error("the gateway is not listening yet and PLAYBACK_BASE_URL is not set");
      return url;
    },
  };
  // One context per operation, so a loader batches within an operation and caches nothing longer.
  const context = (): GatewayContext => ({ runtime, log, history: new DataLoader((ids) => getVideoHistories(deps.db, ids)) });
  const identify = apiKeyIdentifier(config.API_KEYS);
  if (config.API_KEYS.length === 0) log.warn("API_KEYS is empty: the GraphQL API accepts every caller");

  const background = new AbortController();
  const relay = options.relay === false ? null : startOutboxRelay(deps.db, deps.nc, { log, signal: background.signal });
  if (options.uploadSweepIntervalMs !== false) {
    const sweepDeps = { db: deps.db, storage: deps.storage, log, uploadUrlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS };
    startUploadSweep(sweepDeps, options.uploadSweepIntervalMs ?? 60_000, background.signal);
  }

  const schema = buildSchema();
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

  let handleGraphql: (req: IncomingMessage, res: ServerResponse) => Promise<void> = async () => {};
  const handlePlayback = playbackRoute({
    keyring: runtime.keyring,
    storage: deps.storage,
    availability: new VideoAvailability(deps.db),
    log,
    corsOrigin: config.PLAYBACK_CORS_ORIGIN,
  });
  const ready = async () => {
    if (deps.nc.isClosed()) return false;
    try {
      await deps.db.$client.query("select 1");
      return true;
    } catch {
      return false;
    }
  };
  const handleHealth = healthRoutes(ready);

  const httpServer = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const route =
      path === "/graphql"
        ? sendCorsPreflight(req, res, config.GRAPHQL_CORS_ORIGINS)
          ? null
          : handleGraphql
        : path?.startsWith(PLAYBACK_ROUTE_PREFIX)
          ? handlePlayback
          : handleHealth;
    route?.(req, res).catch((error: unknown) => {
      log.error({ err: error, method: req.method, path }, "request failed");
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end();
    });
  });

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
      ApolloServerPluginDrainHttpServer({ httpServer }),
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
  handleGraphql = graphqlHandler(apollo, {
    maxBodyBytes: config.GRAPHQL_MAX_BODY_BYTES,
    context: async (req) => {
      if (identify(req.headers.authorization) === null) throw unauthenticated();
      return context();
    },
  });

  return {
    httpServer,
    async listen(port = config.GATEWAY_PORT, host = config.GATEWAY_HOST) {
      await new Promise<void>((resolve, reject) => {
        httpServer.once("error", reject);
        httpServer.listen(port, host, () => {
          httpServer.off("error", reject);
          resolve();
        });
      });
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
