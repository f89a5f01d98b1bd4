import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { DEV_API_KEY, DEV_PLAYBACK_SIGNING_KEYS, DEV_WEBHOOK_SECRETS_KEY } from "./dev-keys.js";
import { freePort, freePortPreferring, startS3Server } from "@aq/devkit";
import { provideNats } from "./infra/nats.js";
import { providePostgres, redactUrl } from "./infra/postgres.js";
import { acquireStackLock } from "./lock.js";
import { defaultDataDir } from "./paths.js";
import {
  buildWebDependencies,
  PIPELINE_APPS,
  sourceCommand,
  startApp,
  webAppPresent,
  webCommand,
  type AppName,
  type RunningApp,
} from "./processes/apps.js";
import { fanOut, prefixedConsole, tailKeeper, type LineSink } from "./processes/log-lines.js";

/** What a process reads to reach the stack's S3 server, as environment variables. */
export interface S3Env {
  S3_ENDPOINT: string;
  S3_REGION: string;
  S3_BUCKET: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  S3_FORCE_PATH_STYLE: string;
}

export interface StackOptions {
  /** State of the stack (embedded Postgres, NATS store, S3 files, work directory). Default `<repo>/.data`. */
  dataDir?: string;
  /**
   * "preferred" (default): the well-known ports (gateway 4000, NATS 4222, S3 4568, web 3000)
   * when free, else any; "ephemeral": free ports only (tests).
   */
  ports?: "preferred" | "ephemeral";
  /** Use NATS on 127.0.0.1:4222 and Postgres on 127.0.0.1:5432 when they answer. Default true. */
  reuseLocal?: boolean;
  /** Default: the NATS_URL environment variable; null ignores it. */
  natsUrl?: string | null;
  /** Default: the DATABASE_URL environment variable; null ignores it. */
  databaseUrl?: string | null;
  /** Also start apps/web: true, false, or "auto" (when apps/web exists). Default false. */
  web?: boolean | "auto";
  /** Variables added to every app's environment (after the stack's own, so they win). */
  env?: Record<string, string>;
  /** Where the apps' log lines go. Default: interleaved on stdout, prefixed with the app's name. */
  logs?: LineSink;
  /** How long each app may take to answer its readiness check. Default 90 s. */
  readyTimeoutMs?: number;
}

export interface StackComponent {
  name: string;
  /** "started": this stack started it (and stop() stops it); "reused": it was already running. */
  origin: "started" | "reused";
  url: string;
  pid?: number;
}

export interface RunningStack {
  dataDir: string;
  gatewayUrl: string;
  graphqlUrl: string;
  graphqlWsUrl: string;
  /** Base of the signed playback URLs (the gateway serves /v/... itself in development). */
  playbackBaseUrl: string;
  webUrl: string | null;
  /** The API key a client sends as `Authorization: Bearer <key>`. */
  apiKey: string;
  natsUrl: string;
  databaseUrl: string;
  s3: S3Env;
  components: StackComponent[];
  /** Every app process with its readiness URL. */
  apps: { name: AppName; pid: number | undefined; readyUrl: string }[];
  /** Stops, in reverse order, everything this stack started; leaves what it reused. */
  stop(): Promise<void>;
}

const HOST = "127.0.0.1";
const WELL_KNOWN = { gateway: 4000, nats: 4222, s3: 4568, web: 3000 } as const;

/**
 * Starts the whole AQ stack on loopback: NATS with JetStream, Postgres, the local S3 server,
 * then the gateway, the probe, encoder and uploader services and the webhook service as separate
 * processes.
 */
export async function startStack(options: StackOptions = {}): Promise<RunningStack> {
  const dataDir = resolve(options.dataDir ?? process.env.AQ_DATA_DIR ?? defaultDataDir);
  const policy = options.ports ?? "preferred";
  const choosePort = (wellKnown: number) => (policy === "preferred" ? freePortPreferring(wellKnown) : freePort());
  const reuseLocal = options.reuseLocal ?? true;
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const tails = tailKeeper();
  const logs = fanOut(options.logs ?? prefixedConsole(process.stdout), tails.sink);

  await mkdir(dataDir, { recursive: true });
  const lock = await acquireStackLock(dataDir);
  const stops: { name: string; stop: () => Promise<void> }[] = [{ name: "lock", stop: () => lock.release() }];
  const stopAll = async () => {
    const errors: string[] = [];
    for (const { name, stop } of stops.splice(0).reverse()) {
      try {
        await stop();
      } catch (error) {
        errors.push(`${name}: ${(error as Error).message}`);
      }
    }
    if (errors.length) throw new Error(`stopping the stack: ${errors.join("; ")}`);
  };

  try {
    const components: StackComponent[] = [];
    const nats = await provideNats({
      url: (options.natsUrl === undefined ? process.env.NATS_URL : options.natsUrl) || undefined,
      reuseLocal,
      storeDir: join(dataDir, "nats"),
      port: await choosePort(WELL_KNOWN.nats),
      logs,
    });
    stops.push({ name: "nats", stop: nats.stop });
    components.push({ name: "nats", origin: nats.origin === "started" ? "started" : "reused", url: nats.url, pid: nats.pid });

    const postgres = await providePostgres({
      url: (options.databaseUrl === undefined ? process.env.DATABASE_URL : options.databaseUrl) || undefined,
      reuseLocal,
      embeddedDataDir: join(dataDir, "pg"),
    });
    stops.push({ name: "postgres", stop: postgres.stop });
    components.push({ name: "postgres", origin: postgres.origin === "embedded" ? "started" : "reused", url: redactUrl(postgres.url) });

    // Plain s3rver: the strict R2 stand-in is for tests; browsers upload to this one directly.
    const s3Server = await startS3Server({
      directory: join(dataDir, "s3"),
      port: await choosePort(WELL_KNOWN.s3),
      bucket: "aq-local",
      strict: false,
    });
    stops.push({ name: "s3", stop: s3Server.stop });
    const s3: { env: S3Env } = { env: { ...s3Server.env, S3_FORCE_PATH_STYLE: String(s3Server.env.S3_FORCE_PATH_STYLE) } };
    components.push({ name: "s3", origin: "started", url: s3.env.S3_ENDPOINT });

    const withWeb = options.web === true || (options.web === "auto" && webAppPresent());
    const webUrl = withWeb ? `http://${HOST}:${await choosePort(WELL_KNOWN.web)}` : null;
    const gatewayPort = await choosePort(WELL_KNOWN.gateway);
    const gatewayUrl = `http://${HOST}:${gatewayPort}`;
    const apiKeys = options.env?.API_KEYS || process.env.API_KEYS || DEV_API_KEY;
    const apiKey =
      apiKeys
        .split(",")
        .map((key) => key.trim())
        .find(Boolean) ?? DEV_API_KEY;
    const common: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: process.env.LOG_LEVEL || "info",
      DATABASE_URL: postgres.url,
      NATS_URL: nats.url,
      ...s3.env,
      WORK_DIR: join(dataDir, "work"),
      HEALTH_HOST: HOST,
      // The demo and local tools fetch sources from loopback servers.
      SOURCE_URL_ALLOW_PRIVATE: "true",
      API_KEYS: apiKeys,
      PLAYBACK_SIGNING_KEYS: options.env?.PLAYBACK_SIGNING_KEYS || process.env.PLAYBACK_SIGNING_KEYS || DEV_PLAYBACK_SIGNING_KEYS,
      WEBHOOK_SECRETS_KEY: options.env?.WEBHOOK_SECRETS_KEY || process.env.WEBHOOK_SECRETS_KEY || DEV_WEBHOOK_SECRETS_KEY,
      PLAYBACK_BASE_URL: gatewayUrl,
      GATEWAY_HOST: HOST,
      GATEWAY_PORT: String(gatewayPort),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? "true",
      ...options.env,
    };

    const launch = async (name: Exclude<AppName, "web">): Promise<RunningApp> => {
      const healthPort = await freePort();
      const env = { ...common, HEALTH_PORT: String(healthPort) };
      const readyUrl = name === "gateway" ? `${gatewayUrl}/readyz` : `http://${HOST}:${healthPort}/readyz`;
      const app = await startApp({ name, ...sourceCommand(name), env, readyUrl, logs, tail: tails.tail, timeoutMs: readyTimeoutMs });
      stops.push({ name, stop: () => app.process.stop() });
      return app;
    };
    // One at a time keeps start-up within the two cores of small machines, and the error of
    // the first app that fails unambiguous.
    const apps: RunningApp[] = [];
    apps.push(await launch("gateway"));
    for (const name of PIPELINE_APPS) apps.push(await launch(name));
    apps.push(await launch("webhook-service"));

    if (webUrl) {
      await buildWebDependencies();
      const web = await startApp({
        name: "web",
        ...webCommand(HOST),
        env: {
          ...common,
          PORT: new URL(webUrl).port,
          HOSTNAME: HOST,
          // What apps/web reads (apps/web/README.md); the key stays on its server side.
          AQ_GATEWAY_URL: `${gatewayUrl}/graphql`,
          AQ_GATEWAY_WS_URL: `ws://${HOST}:${gatewayPort}/graphql`,
          AQ_API_KEY: apiKey,
          NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1",
        },
        readyUrl: webUrl,
        logs,
        tail: tails.tail,
        timeoutMs: Math.max(readyTimeoutMs, 180_000),
      });
      stops.push({ name: "web", stop: () => web.process.stop() });
      apps.push(web);
    }

    const graphqlUrl = `${gatewayUrl}/graphql`;
    const graphqlWsUrl = `ws://${HOST}:${gatewayPort}/graphql`;
    await lock.update({ graphqlUrl, graphqlWsUrl, apiKey, s3: { ...s3.env } });
    for (const app of apps) components.push({ name: app.name, origin: "started", url: app.readyUrl, pid: app.process.pid });

    let stopping: Promise<void> | undefined;
    return {
      dataDir,
      gatewayUrl,
      graphqlUrl,
      graphqlWsUrl,
      playbackBaseUrl: gatewayUrl,
      webUrl,
      apiKey,
      natsUrl: nats.url,
      databaseUrl: postgres.url,
      s3: s3.env,
      components,
      apps: apps.map((app) => ({ name: app.name, pid: app.process.pid, readyUrl: app.readyUrl })),
      stop: () => (stopping ??= stopAll()),
    };
  } catch (error) {
    await stopAll().catch((stopError: Error) => {
      throw new Error(`${(error as Error).message}; and then ${stopError.message}`, { cause: error });
    });
    throw error;
  }
}
