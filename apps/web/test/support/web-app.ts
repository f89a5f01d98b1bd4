import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort, killOnExit, stopChild, waitFor } from "@aq/devkit";

export const appDir = fileURLToPath(new URL("../..", import.meta.url));
const nextBin = createRequire(join(appDir, "package.json")).resolve("next/dist/bin/next");
const BUILD_INPUTS = [
  "src",
  "next.config.ts",
  "package.json",
  "tsconfig.json",
  "../../packages/contracts/src",
  "../../packages/graphql-client/src",
];

/** Child output is kept for the error message of a failed start, not printed. */
function collectOutput(child: ChildProcess): () => string {
  const chunks: string[] = [];
  const keep = (chunk: Buffer) => {
    chunks.push(chunk.toString());
    if (chunks.length > 400) chunks.splice(0, chunks.length - 400);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return () => chunks.join("").split("\n").slice(-60).join("\n");
}

function nextProcess(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [nextBin, ...args], {
    cwd: appDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  killOnExit(child);
  return { child, output: collectOutput(child) };
}

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

/** Whether .next holds a production build at least as new as every source file. */
async function buildIsCurrent(): Promise<boolean> {
  const buildId = join(appDir, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const built = (await stat(buildId)).mtimeMs;
  const inputs = await Promise.all(BUILD_INPUTS.map((input) => newestMtime(join(appDir, input))));
  return inputs.every((time) => time <= built);
}

/** `next build`, skipped when the existing build is newer than the sources. */
export async function buildWebApp(): Promise<"built" | "current"> {
  if (await buildIsCurrent()) return "current";
  // The workspace packages the app bundles from their dist/ (see the app's build:deps script).
  await promisify(execFile)("npm", ["run", "build:deps"], { cwd: appDir });
  const { child, output } = nextProcess(["build"], {});
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`next build exited with ${code}:\n${output()}`);
  return "built";
}

export interface RunningWebApp {
  url: string;
  output: () => string;
  stop(): Promise<void>;
}

/** `next start` on a free loopback port; resolves once the home page answers 200. */
export async function startWebApp(env: Record<string, string>): Promise<RunningWebApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child, output } = nextProcess(["start", "--hostname", "127.0.0.1", "--port", String(port)], env);
  try {
    const state = await waitFor(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null) return "exited";
        // Refused connections are expected until the server listens.
        const response = await fetch(url).catch(() => null);
        return response?.status === 200 ? "ready" : null;
      },
      { timeoutMs: 60_000, intervalMs: 250, message: `next start to answer 200 on ${url}` },
    );
    if (state === "exited") throw new Error(`next start exited during start-up (${child.exitCode ?? child.signalCode}):\n${output()}`);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { url, output, stop: () => stopChild(child) };
}
