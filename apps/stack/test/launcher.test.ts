import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { waitFor } from "@aq/devkit";
import { processAlive } from "./process-state.js";

// The launcher of `npm run dev` (bin/aq-stack.mjs) stops the stack once npm is gone; npm runs it
// through `sh -c`, so what it must notice is its shell's parent going (bin/parent-watch.mjs).
const fixture = join(dirname(fileURLToPath(import.meta.url)), "parent-watch-process.mjs");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A stand-in for npm: a node process that runs the fixture as `command`, and stays up. */
async function startParent(command: string[], env: Record<string, string>) {
  const dir = await mkdtemp(join(tmpdir(), "aq-parent-watch-"));
  const file = join(dir, "state");
  const script = `require("node:child_process").spawn(${JSON.stringify(command[0])}, ${JSON.stringify([...command.slice(1), file])}, { stdio: "ignore" }); setInterval(() => {}, 1 << 30);`;
  const parent = spawn(process.execPath, ["-e", script], { stdio: "ignore", env: { ...process.env, ...env } });
  let watcher = 0;
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  cleanups.push(() => {
    for (const pid of [parent.pid, watcher]) if (pid && processAlive(pid)) process.kill(pid, "SIGKILL");
  });
  await waitFor(() => existsSync(file) && readFileSync(file, "utf8").endsWith("\n"), {
    timeoutMs: 15_000,
    message: "the watcher to start",
  });
  watcher = Number(readFileSync(file, "utf8").split("\n")[0]);
  return { parent, watcher, orphaned: () => readFileSync(file, "utf8").includes("orphaned") };
}

describe.runIf(existsSync("/proc/self/stat"))("the launcher's parent watch", () => {
  it("notices npm killed with SIGKILL through the `sh -c` npm runs scripts with", async () => {
    const run = await startParent(["sh", "-c", `'${process.execPath}' '${fixture}' "$0"`], { npm_lifecycle_event: "dev" });
    // Nothing happens while npm lives.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(processAlive(run.watcher)).toBe(true);
    expect(run.orphaned()).toBe(false);

    run.parent.kill("SIGKILL");
    await waitFor(() => !processAlive(run.watcher), { timeoutMs: 10_000, message: "the watcher to notice that npm is gone" });
    expect(run.orphaned()).toBe(true);
  });

  it("notices its own parent killed with SIGKILL", async () => {
    const run = await startParent([process.execPath, fixture], {});
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(processAlive(run.watcher)).toBe(true);

    run.parent.kill("SIGKILL");
    await waitFor(() => !processAlive(run.watcher), { timeoutMs: 10_000, message: "the watcher to notice that its parent is gone" });
    expect(run.orphaned()).toBe(true);
  });
});
