import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { StorageEnv } from "@aq/config";
import { dieWithParent } from "@aq/devkit";
import { benchRoot } from "./options.js";

const S3_PROCESS = join(benchRoot, "src", "upload", "s3-server-process.ts");

export interface S3Process {
  env: StorageEnv;
  /** Endpoint URL by added latency in ms. */
  proxies: Record<string, string>;
  child: ChildProcess;
}

/**
 * s3rver in a process of its own (so what is measured against it does not share its event loop),
 * with a proxy per delay that holds every request that long (src/upload/s3-server-process.ts).
 */
export async function startS3Process(delaysMs: number[]): Promise<S3Process> {
  // Dies with the bench however the bench dies (a stopped run leaves no server behind).
  const [command, args] = dieWithParent(process.execPath, ["--conditions=source", "--import", "tsx", S3_PROCESS, delaysMs.join(",")]);
  const child = spawn(command, args, {
    cwd: benchRoot,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  const exited = once(child, "exit").then(([code]) => {
    throw new Error(`the S3 server process exited with ${code} before it was ready`);
  });
  const ready = (async () => {
    for await (const line of lines) return JSON.parse(line) as Omit<S3Process, "child">;
    throw new Error("the S3 server process printed nothing");
  })();
  const started = await Promise.race([ready, exited]);
  exited.catch(() => undefined);
  return { ...started, child };
}

export async function stopS3Process(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  await exited;
}
