import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "@aq/devkit";

const toy = join(dirname(fileURLToPath(import.meta.url)), "toy-service.ts");
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "aq-run-service-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

function startToy(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", toy], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  let partial = "";
  child.stdout.on("data", (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const parts = text.split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  // "close" rather than "exit": it comes after the last output has been read.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const logged = (msg: string) => lines.find((l) => l.msg === msg);
  const port = async () =>
    (await waitFor(() => logged("health endpoints listening"), { timeoutMs: 30_000, message: "the health port" })).port as number;
  return { child, lines, exited, logged, port };
}

async function get(port: number, path: string): Promise<number> {
  return (await fetch(`http://127.0.0.1:${port}${path}`)).status;
}

describe("runService", () => {
  it("serves /healthz and /readyz, and stops gracefully on SIGTERM", async () => {
    const readyFile = join(scratch, "ready");
    const toy = startToy({ TOY_READY_FILE: readyFile, TOY_STOP_MS: "200" });
    const port = await toy.port();
    await waitFor(() => toy.logged("started"), { message: "start finished" });
    expect(await get(port, "/healthz")).toBe(200);
    expect(await get(port, "/readyz")).toBe(503);
    await writeFile(readyFile, "");
    expect(await get(port, "/readyz")).toBe(200);
    expect(await get(port, "/elsewhere")).toBe(404);

    toy.child.kill("SIGTERM");
    expect(await toy.exited).toBe(0);
    // Lines can reach the pipe out of order under load, so the order is read from their times.
    const at = (msg: string) => toy.logged(msg)?.time as number;
    for (const msg of ["shutting down", "toy: abort signal seen", "toy: stop called", "toy: stop finished", "stopped"]) {
      expect(toy.logged(msg), msg).toBeDefined();
    }
    expect(at("toy: stop called")).toBeGreaterThanOrEqual(at("shutting down"));
    expect(at("stopped")).toBeGreaterThanOrEqual(at("toy: stop finished"));
  });

  it("exits 1 when stop outlasts the shutdown timeout", async () => {
    const toy = startToy({ TOY_STOP_MS: "60000", TOY_SHUTDOWN_TIMEOUT_MS: "300" });
    await toy.port();
    await waitFor(() => toy.logged("started"), { message: "start finished" });
    toy.child.kill("SIGINT");
    expect(await toy.exited).toBe(1);
    expect(toy.logged("shutdown took too long; exiting")).toBeDefined();
    expect(toy.logged("toy: stop finished")).toBeUndefined();
  });

  it("logs and exits 1 when start fails", async () => {
    const toy = startToy({ TOY_FAIL_START: "1" });
    expect(await toy.exited).toBe(1);
    const line = toy.logged("start failed");
    expect(line?.level).toBe(60);
    expect(JSON.stringify(line?.err)).toContain("cannot reach its database");
  });

  it("stops a service that was still starting when the signal came", async () => {
    const toy = startToy({ TOY_START_MS: "60000" });
    await toy.port();
    toy.child.kill("SIGTERM");
    expect(await toy.exited).toBe(0);
    expect(toy.logged("toy: abort signal seen")).toBeDefined();
    expect(toy.logged("toy: stop called")).toBeDefined();
    expect(toy.logged("started")).toBeUndefined();
  });
});
