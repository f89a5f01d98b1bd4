import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { createTestDatabase, startNatsServer, type TestDatabase, type TestNatsServer } from "@aq/devkit";
import { startStack, type RunningStack } from "@aq/stack";
import { buildWebApp, startWebApp, type RunningWebApp } from "./web-app";

export const CHROMIUM = "/usr/bin/chromium";
export const chromiumPresent = existsSync(CHROMIUM);
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A browser test's world: the built web app against a stack of its own, and a headless Chromium page. */
export interface BrowserStack {
  /** A temporary folder, removed by stop(). */
  dir: string;
  stack: RunningStack;
  web: RunningWebApp;
  context: BrowserContext;
  page: Page;
  /** The stack's log lines and the page's console, for a failed test's message. */
  logs: string[];
  pageLog: string[];
  stop(): Promise<void>;
}

/**
 * Builds the web app (before the stack starts, so the build does not compete with the services
 * for the cores), starts a stack with a NATS server and a database of the suite's own (services
 * of another stack on the same machine must not take its jobs), `next start`, and Chromium.
 * `env` goes to every app of the stack.
 */
export async function startBrowserStack(name: string, env: Record<string, string> = {}): Promise<BrowserStack> {
  const dir = await mkdtemp(join(tmpdir(), `aq-web-${name}-`));
  const logs: string[] = [];
  const pageLog: string[] = [];
  let nats: TestNatsServer | undefined;
  let database: TestDatabase | undefined;
  let stack: RunningStack | undefined;
  let web: RunningWebApp | undefined;
  let context: BrowserContext | undefined;
  const stop = async () => {
    await context?.close();
    await web?.stop();
    await stack?.stop();
    await database?.drop();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await buildWebApp();
    nats = await startNatsServer();
    database = await createTestDatabase();
    stack = await startStack({
      dataDir: join(dir, "stack"),
      natsUrl: nats.url,
      databaseUrl: database.url,
      ports: "ephemeral",
      web: false,
      env,
      logs: (source, line) => void logs.push(`${source}| ${line}`),
    });
    web = await startWebApp({ AQ_GATEWAY_URL: stack.graphqlUrl, AQ_API_KEY: stack.apiKey });
    context = await chromium.launchPersistentContext(join(dir, "chromium-profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 1000 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => void pageLog.push(`console.${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => void pageLog.push(`pageerror: ${error.message}`));
    return { dir, stack, web, context, page, logs, pageLog, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
