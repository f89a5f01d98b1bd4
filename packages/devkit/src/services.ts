import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { dieWithParent, killOnExit, stopChild } from "./child-processes.js";
import { freePort } from "./free-port.js";
import { waitFor } from "./wait-for.js";

/** The repository root (packages/devkit/src or packages/devkit/dist, three levels down). */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export const PIPELINE_SERVICES = ["probe-service", "encoder-service", "uploader-service"] as const;
export type ServiceName = (typeof PIPELINE_SERVICES)[number] | "gateway" | "webhook-service";

export interface RunningService {
  name: ServiceName;
  child: ChildProcess;
  healthUrl: string;
  logFile: string;
}

export interface ServiceProcessOptions {
  logDir: string;
  instance?: string;
  waitReady?: boolean;
  /** A command the service runs under, such as `ip netns exec <namespace>` (it must exec, not fork). */
  runUnder?: string[];
  /** The address its health endpoints listen on and are reached at. Default: 127.0.0.1. */
  healthHost?: string;
}

/**
 * Starts one service from its TypeScript sources as a separate process (as it runs in
 * production, minus the build), with its own health port, and waits until /readyz says 200.
 */
export async function startServiceProcess(
  name: ServiceName,
  env: Record<string, string>,
  options: ServiceProcessOptions,
): Promise<RunningService> {
  const port = await freePort();
  const entry = join(repoRoot, "apps", name, "src", "main.ts");
  await mkdir(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${name}${options.instance ? `-${options.instance}` : ""}.log`);
  const out: WriteStream = createWriteStream(logFile, { flags: "a" });
  const healthHost = options.healthHost ?? "127.0.0.1";
  const [under, ...underArgs] = options.runUnder ?? [];
  const node = [process.execPath, "--conditions=source", "--import", "tsx", entry];
  const [command, args] = under ? dieWithParent(under, [...underArgs, ...node]) : dieWithParent(node[0]!, node.slice(1));
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: "debug", ...env, HEALTH_PORT: String(port), HEALTH_HOST: healthHost },
    stdio: ["ignore", "pipe", "pipe"],
  });
  killOnExit(child);
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const healthUrl = `http://${healthHost}:${port}`;
  if (options.waitReady !== false) {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}; see ${logFile}`);
        const res = await fetch(`${healthUrl}/readyz`);
        return res.ok;
      },
      { timeoutMs: 60_000, intervalMs: 100, message: `${name} to be ready (log: ${logFile})` },
    );
  }
  return { name, child, healthUrl, logFile };
}

export interface PipelineServices {
  services: RunningService[];
  /** Stops every service that is still running (SIGTERM, then SIGKILL). */
  stop(): Promise<void>;
}

/** The three pipeline services, one process each, with the same `env` (database, NATS, S3, WORK_DIR). */
export async function startPipelineServices(env: Record<string, string>, options: { logDir: string }): Promise<PipelineServices> {
  const services = await Promise.all(PIPELINE_SERVICES.map((name) => startServiceProcess(name, env, options)));
  return {
    services,
    stop: async () => {
      await Promise.all(services.map((s) => stopChild(s.child, 15_000)));
    },
  };
}
