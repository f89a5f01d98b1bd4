import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import type { LineSink } from "./log-lines.js";

export interface OwnedProcess {
  name: string;
  pid: number | undefined;
  readonly exited: boolean;
  /** How it ended ("exit code 1", "signal SIGKILL", "could not be started: ..."), for error messages. */
  exitDescription(): string;
  /** Resolves when the process has exited (or could not be started). */
  readonly done: Promise<void>;
  /**
   * SIGTERM to the process, SIGKILL to its whole process group after `graceMs`, and once it
   * has exited a SIGKILL to the group for any child it left behind (an ffmpeg, say).
   */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Sends `signal` to the child's process group; false when the group no longer exists. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch (error) {
    // ESRCH: the group is already gone, which is what we want.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    return false;
  }
}

/** Until the group has no process left (killed ones disappear only once reaped), or `ms` passes. */
async function groupGone(child: ChildProcess, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (killGroup(child, 0)) {
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
  return true;
}

/** A stack that dies without stop() (an uncaught error) must not leave its children behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of live) killGroup(child, "SIGKILL");
  });
}

export interface OwnedProcessOptions {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd?: string;
  logs: LineSink;
}

/**
 * Starts a child in a process group of its own, so that a Ctrl-C in the terminal reaches only
 * the stack (which then stops its children in order) and so that stopping it also reaches
 * the programs it runs. Its output goes line by line to `logs`.
 */
export function startOwnedProcess(options: OwnedProcessOptions): OwnedProcess {
  installExitHook();
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  live.add(child);
  let description = "running";
  let exited = false;
  const done = new Promise<void>((resolve) => {
    child.once("error", (error) => {
      if (exited) return;
      exited = true;
      description = `could not be started: ${error.message}`;
      live.delete(child);
      resolve();
    });
    child.once("exit", (code, signal) => {
      exited = true;
      description = signal ? `signal ${signal}` : `exit code ${code}`;
      live.delete(child);
      resolve();
    });
  });
  for (const [stream, kind] of [
    [child.stdout, "stdout"],
    [child.stderr, "stderr"],
  ] as const) {
    if (!stream) continue;
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => options.logs(options.name, line, kind));
  }
  return {
    name: options.name,
    pid: child.pid,
    get exited() {
      return exited;
    },
    exitDescription: () => description,
    done,
    async stop(graceMs = 15_000) {
      if (!exited) {
        const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
        child.kill("SIGTERM");
        await done;
        clearTimeout(timer);
      }
      if (killGroup(child, "SIGKILL") && !(await groupGone(child, 5000))) {
        throw new Error(`${options.name}: processes of its group ${child.pid} are still there after SIGKILL`);
      }
    },
  };
}
