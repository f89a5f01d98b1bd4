import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { dieWithParent, killOnExit, signalChild } from "./child-processes.js";

/** Receives every line a child prints, with the name of the child. */
export type LineSink = (source: string, line: string, stream: "stdout" | "stderr") => void;

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

export interface OwnedProcessOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  logs: LineSink;
  /**
   * What the kernel sends it when this process dies. SIGKILL (default) is certain; SIGTERM suits
   * a child that must take children of its own down (`next dev` stops its server on SIGTERM).
   */
  deathSignal?: "SIGKILL" | "SIGTERM";
}

/**
 * Starts a child that dies with this process however this process ends (see dieWithParent),
 * in a process group of its own, so that a Ctrl-C in the terminal reaches only its owner (which
 * then stops its children in order) and so that stopping it also reaches the programs it runs.
 * Its output goes line by line to `logs`.
 */
export function startOwnedProcess(options: OwnedProcessOptions): OwnedProcess {
  const [command, args] = dieWithParent(options.command, options.args, options.deathSignal);
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  killOnExit(child, { group: true });
  let description = "running";
  let exited = false;
  const done = new Promise<void>((resolve) => {
    child.once("error", (error) => {
      if (exited) return;
      exited = true;
      description = `could not be started: ${error.message}`;
      resolve();
    });
    child.once("exit", (code, signal) => {
      exited = true;
      description = signal ? `signal ${signal}` : `exit code ${code}`;
      resolve();
    });
  });
  for (const [stream, kind] of [
    [child.stdout, "stdout"],
    [child.stderr, "stderr"],
  ] as const) {
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
        const timer = setTimeout(() => signalChild(child, "SIGKILL", true), graceMs);
        child.kill("SIGTERM");
        await done;
        clearTimeout(timer);
      }
      if (signalChild(child, "SIGKILL", true) && !(await groupGone(child.pid as number, 5000))) {
        throw new Error(`${options.name}: processes of its group ${child.pid} are still there after SIGKILL`);
      }
    },
  };
}

/** Until the group has no process left (killed ones disappear only once reaped), or `ms` passes. */
async function groupGone(pgid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      process.kill(-pgid, 0);
    } catch {
      return true;
    }
    if (Date.now() >= deadline) return false;
    await sleep(20);
  }
}

/**
 * Polls `check` until it returns true, failing at once when `child` exits (with `whenExited`
 * as the message) and with `what` in the error when `timeoutMs` passes.
 */
export async function waitUntilReady(
  child: OwnedProcess,
  check: () => Promise<boolean>,
  options: { timeoutMs: number; what: string; whenExited: () => string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastProblem = "";
  for (;;) {
    if (child.exited) throw new Error(options.whenExited());
    try {
      if (await check()) return;
      lastProblem = "";
    } catch (error) {
      // Not listening yet is the normal state during start-up; kept for the timeout message.
      lastProblem = (error as Error).message;
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `timed out after ${options.timeoutMs} ms waiting for ${options.what}${lastProblem ? ` (last error: ${lastProblem})` : ""}`,
      );
    }
    await sleep(100);
  }
}

/** GET `url` and true on a 2xx. */
export async function answersOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  return response.ok;
}
