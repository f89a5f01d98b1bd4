import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { startStack, type RunningStack } from "@aq/stack";
import { createTestDatabase, startNatsServer } from "@aq/devkit";

export interface StackSession {
  stack: RunningStack;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * The local stack (gateway, probe, encoder and uploader services as processes, s3rver) on free
 * ports, with a NATS server and a Postgres database of its own so that nothing left by other
 * runs or tests is in the way. The apps' logs go to a file.
 */
export async function startBenchStack(dir: string, env: Record<string, string>): Promise<StackSession> {
  await mkdir(dir, { recursive: true });
  const logFile = join(dir, "stack.log");
  const out = createWriteStream(logFile, { flags: "a" });
  const [nats, database] = await Promise.all([startNatsServer(), createTestDatabase()]);
  let stack: RunningStack;
  try {
    stack = await startStack({
      dataDir: join(dir, "data"),
      ports: "ephemeral",
      reuseLocal: false,
      natsUrl: nats.url,
      databaseUrl: database.url,
      web: false,
      env: { LOG_LEVEL: "info", ...env },
      logs: (source, line) => void out.write(`${source} | ${line}\n`),
    });
  } catch (error) {
    await Promise.allSettled([nats.stop(), database.drop()]);
    out.end();
    throw new Error(`the stack did not start (log: ${logFile})`, { cause: error });
  }
  return {
    stack,
    logFile,
    async stop() {
      try {
        await stack.stop();
      } finally {
        await Promise.allSettled([nats.stop(), database.drop()]);
        out.end();
      }
    },
  };
}
