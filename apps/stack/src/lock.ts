import { open, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** What a running stack tells another `npm run demo` started from the same folder. */
export interface StackInfo {
  pid: number;
  startedAt: string;
  graphqlUrl?: string;
  graphqlWsUrl?: string;
  apiKey?: string;
  s3?: Record<string, string>;
}

export class StackAlreadyRunningError extends Error {
  constructor(
    readonly info: StackInfo,
    dataDir: string,
  ) {
    super(`an AQ stack is already running from ${dataDir} (pid ${info.pid}); stop it first, or give this one another AQ_DATA_DIR`);
    this.name = "StackAlreadyRunningError";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function lockPath(dataDir: string): string {
  return join(dataDir, "stack.json");
}

/** The stack running from `dataDir`, if its process is alive. */
export async function readRunningStack(dataDir: string): Promise<StackInfo | null> {
  let text: string;
  try {
    text = await readFile(lockPath(dataDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  try {
    const info = JSON.parse(text) as StackInfo;
    return typeof info.pid === "number" && alive(info.pid) ? info : null;
  } catch {
    // A lock file cut short by a crash while it was written: nobody holds it.
    return null;
  }
}

export interface StackLock {
  update(info: Omit<StackInfo, "pid" | "startedAt">): Promise<void>;
  release(): Promise<void>;
}

/**
 * One stack per data folder: the embedded Postgres, the NATS store and the S3 files each
 * belong to a single process. A lock left by a process that is gone is taken over.
 */
export async function acquireStackLock(dataDir: string): Promise<StackLock> {
  const path = lockPath(dataDir);
  const base: StackInfo = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, "wx");
      await handle.writeFile(JSON.stringify(base));
      await handle.close();
      return {
        update: (info) => writeFile(path, JSON.stringify({ ...base, ...info }, null, 2)),
        release: () => rm(path, { force: true }),
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const running = await readRunningStack(dataDir);
      if (running) throw new StackAlreadyRunningError(running, dataDir);
      await rm(path, { force: true });
    }
  }
  throw new Error(`could not take the stack lock ${path}`);
}
