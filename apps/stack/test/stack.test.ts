import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { canConnect, dieWithParent, waitFor } from "@aq/devkit";
import { StackAlreadyRunningError, startStack, type RunningStack } from "../src/index.js";
import { lockPath } from "../src/lock.js";
import { groupAlive, listening, processAlive } from "./process-state.js";

const dirs: string[] = [];
async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "aq-stack-test-"));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Collects the apps' log lines instead of printing them; shown when an assertion fails. */
function collector() {
  const lines: string[] = [];
  return { lines, sink: (source: string, line: string) => void lines.push(`${source}| ${line}`) };
}

async function graphql(stack: RunningStack, query: string, apiKey: string | null) {
  const response = await fetch(stack.graphqlUrl, {
    method: "POST",
    headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await response.json()) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] };
}

async function expectHealthy(stack: RunningStack) {
  for (const app of stack.apps) {
    expect(new URL(app.readyUrl).hostname, app.name).toBe("127.0.0.1");
    const ready = await fetch(app.readyUrl);
    expect(ready.status, `${app.name} ${app.readyUrl}`).toBe(200);
    const health = await fetch(new URL("healthz", app.readyUrl));
    expect(health.status, `${app.name} healthz`).toBe(200);
  }
  expect((await graphql(stack, "{ __typename }", stack.apiKey)).data).toEqual({ __typename: "Query" });
  const refused = await graphql(stack, "{ __typename }", null);
  expect(refused.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  // Browsers upload straight to the bucket: the local S3 server must answer CORS preflights.
  const preflight = await fetch(`${stack.s3.S3_ENDPOINT}/${stack.s3.S3_BUCKET}/uploads/x/source.mp4`, {
    method: "OPTIONS",
    headers: { origin: "http://localhost:3000", "access-control-request-method": "PUT", "access-control-request-headers": "content-type" },
  });
  expect(preflight.status).toBe(200);
  expect(preflight.headers.get("access-control-allow-origin")).toBe("*");
}

async function expectStopped(stack: RunningStack, dir: string) {
  for (const app of stack.apps) {
    expect(app.pid, app.name).toBeTypeOf("number");
    expect(processAlive(app.pid as number), `${app.name} process`).toBe(false);
    expect(groupAlive(app.pid as number), `${app.name} process group`).toBe(false);
    expect(await listening(app.readyUrl), `${app.name} port`).toBe(false);
  }
  expect(await listening(stack.s3.S3_ENDPOINT), "local S3 port").toBe(false);
  expect(existsSync(lockPath(dir)), "lock file").toBe(false);
}

describe("startStack", () => {
  it("comes up on loopback, reusing the NATS and Postgres that answer, and stops only what it started", async () => {
    const natsAnswered = await canConnect("127.0.0.1", 4222);
    const postgresAnswered = await canConnect("127.0.0.1", 5432);
    const dir = await dataDir();
    const logs = collector();
    const stack = await startStack({ dataDir: dir, ports: "ephemeral", web: false, logs: logs.sink, natsUrl: null, databaseUrl: null });
    try {
      const origin = (name: string) => stack.components.find((c) => c.name === name)?.origin;
      expect(origin("nats")).toBe(natsAnswered ? "reused" : "started");
      expect(origin("postgres")).toBe(postgresAnswered ? "reused" : "started");
      expect(stack.apps.map((a) => a.name)).toEqual(["gateway", "probe-service", "encoder-service", "uploader-service", "webhook-service"]);
      for (const url of [stack.graphqlUrl, stack.graphqlWsUrl, stack.s3.S3_ENDPOINT, stack.natsUrl, stack.databaseUrl]) {
        expect(new URL(url).hostname, url).toBe("127.0.0.1");
      }
      await expectHealthy(stack);
      // One stack per data folder: a second one is refused before it starts anything.
      await expect(startStack({ dataDir: dir, ports: "ephemeral", web: false, logs: () => {} })).rejects.toBeInstanceOf(
        StackAlreadyRunningError,
      );
    } catch (error) {
      console.error(logs.lines.slice(-80).join("\n"));
      throw error;
    } finally {
      await stack.stop();
    }
    await expectStopped(stack, dir);
    // What it reused is still there.
    if (natsAnswered) expect(await canConnect("127.0.0.1", 4222)).toBe(true);
    if (postgresAnswered) expect(await canConnect("127.0.0.1", 5432)).toBe(true);
  });

  it("starts nats-server and the embedded Postgres when nothing is reused, and stop() ends all of them", async () => {
    const dir = await dataDir();
    const logs = collector();
    const stack = await startStack({
      dataDir: dir,
      ports: "ephemeral",
      web: false,
      logs: logs.sink,
      reuseLocal: false,
      natsUrl: null,
      databaseUrl: null,
    });
    const nats = stack.components.find((c) => c.name === "nats");
    try {
      expect(nats?.origin).toBe("started");
      expect(stack.components.find((c) => c.name === "postgres")?.origin).toBe("started");
      expect(stack.natsUrl).not.toBe("nats://127.0.0.1:4222");
      await expectHealthy(stack);
      expect(existsSync(join(dir, "nats", "jetstream")), "NATS store under the data folder").toBe(true);
      expect(existsSync(join(dir, "pg", "PG_VERSION")), "PGlite data under the data folder").toBe(true);
      expect(existsSync(join(dir, "s3", stack.s3.S3_BUCKET)), "bucket under the data folder").toBe(true);
    } catch (error) {
      console.error(logs.lines.slice(-80).join("\n"));
      throw error;
    } finally {
      await stack.stop();
    }
    await expectStopped(stack, dir);
    expect(processAlive(nats?.pid as number), "nats-server").toBe(false);
    expect(await listening(stack.natsUrl), "NATS port").toBe(false);
    expect(await listening(stack.databaseUrl), "embedded Postgres port").toBe(false);
  });
});

describe("a stack that is killed", () => {
  it("takes every child with it when its process gets SIGKILL: no process left, every port free", async () => {
    const dir = await dataDir();
    const fixture = join(dirname(fileURLToPath(import.meta.url)), "stack-process.ts");
    // The stack process itself dies with this test's process, should the test fail half-way.
    const [command, args] = dieWithParent(process.execPath, ["--conditions=source", "--import", "tsx", fixture, dir]);
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    const lines = createInterface({ input: child.stdout });
    const [line] = (await Promise.race([once(lines, "line"), once(child, "exit").then(() => [null])])) as [string | null];
    expect(line, `the stack process ended before it was up: ${stderr}`).not.toBeNull();
    const running = JSON.parse(line as string) as Pick<RunningStack, "apps" | "components" | "s3" | "natsUrl" | "databaseUrl">;
    const nats = running.components.find((c) => c.name === "nats");
    expect(nats?.origin, "nats-server started by the stack").toBe("started");
    const pids = [...running.apps.map((app) => app.pid as number), nats?.pid as number];
    expect(pids.every((pid) => typeof pid === "number" && processAlive(pid))).toBe(true);

    child.kill("SIGKILL");
    await once(child, "exit");

    // The kernel signals the children at once; they are gone once they have been reaped.
    await waitFor(() => pids.every((pid) => !processAlive(pid) && !groupAlive(pid)), {
      timeoutMs: 15_000,
      message: "the stack's children to end",
    });
    for (const app of running.apps) expect(await listening(app.readyUrl), `${app.name} port`).toBe(false);
    expect(await listening(running.natsUrl), "NATS port").toBe(false);
    expect(await listening(running.databaseUrl), "embedded Postgres port").toBe(false);
    expect(await listening(running.s3.S3_ENDPOINT), "local S3 port").toBe(false);
  });
});
