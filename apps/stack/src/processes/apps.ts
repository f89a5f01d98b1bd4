import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../paths.js";
import { answersOk, startOwnedProcess, waitUntilReady, type LineSink, type OwnedProcess } from "@aq/devkit";

export const PIPELINE_APPS = ["probe-service", "encoder-service", "uploader-service"] as const;
export type AppName = "gateway" | (typeof PIPELINE_APPS)[number] | "webhook-service" | "web";

export interface RunningApp {
  name: AppName;
  process: OwnedProcess;
  /** The URL whose 200 means the app is ready. */
  readyUrl: string;
}

/** How an app of this repository runs in development: its TypeScript sources through tsx. */
export function sourceCommand(name: Exclude<AppName, "web">): { command: string; args: string[] } {
  return { command: process.execPath, args: ["--conditions=source", "--import", "tsx", join(repoRoot, "apps", name, "src", "main.ts")] };
}

/** The web app is built separately and may be absent from a checkout. */
export function webAppPresent(): boolean {
  return existsSync(join(repoRoot, "apps", "web", "package.json"));
}

/**
 * The web app bundles @aq/contracts and @aq/graphql-client from their dist/ (Turbopack cannot
 * follow the `.js`-suffixed imports of their TypeScript sources, vercel/next.js#82945), so the
 * stack builds them first, with the app's own build:deps script.
 */
export async function buildWebDependencies(): Promise<void> {
  await promisify(execFile)("npm", ["run", "build:deps", "--workspace", "@aq/web"], { cwd: repoRoot });
}

/**
 * `next dev` run directly rather than through npm, which would stand between the stack and it:
 * the kernel's SIGTERM when the stack dies then reaches Next, which stops its server process.
 */
export function webCommand(host: string): { command: string; args: string[]; deathSignal: "SIGTERM" } {
  const webDir = join(repoRoot, "apps", "web");
  const next = createRequire(join(webDir, "package.json")).resolve("next/dist/bin/next");
  return { command: process.execPath, args: [next, "dev", webDir, "--hostname", host], deathSignal: "SIGTERM" };
}

export interface StartAppOptions {
  name: AppName;
  command: string;
  args: string[];
  deathSignal?: "SIGKILL" | "SIGTERM";
  env: NodeJS.ProcessEnv;
  readyUrl: string;
  logs: LineSink;
  /** The last lines the app printed, for the error when it dies during start-up. */
  tail: (name: string) => string;
  timeoutMs: number;
}

/** Starts an app as a separate process and resolves once its `readyUrl` answers 200. */
export async function startApp(options: StartAppOptions): Promise<RunningApp> {
  const { name, command, args, deathSignal, env, logs } = options;
  const child = startOwnedProcess({ name, command, args, deathSignal, env, cwd: repoRoot, logs });
  try {
    await waitUntilReady(child, () => answersOk(options.readyUrl), {
      timeoutMs: options.timeoutMs,
      what: `${options.name} to answer 200 on ${options.readyUrl}`,
      whenExited: () => {
        const tail = options.tail(options.name);
        return `${options.name} stopped during start-up (${child.exitDescription()})${tail ? `; its last lines:\n${tail}` : ""}`;
      },
    });
  } catch (error) {
    await child.stop(5000);
    throw error;
  }
  return { name: options.name, process: child, readyUrl: options.readyUrl };
}
