import { existsSync } from "node:fs";
import type { ChildProcess } from "node:child_process";

/**
 * util-linux's setpriv asks the kernel to signal the child when this process dies, however it
 * dies: a SIGKILLed test runner or stack runs no exit hook, and its servers would otherwise keep
 * running and hold their ports. (packages/media runs ffmpeg the same way.) Without setpriv (not
 * Linux) only the exit hook of killOnExit applies.
 */
const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((path) => existsSync(path));

/** `command args` wrapped so that the kernel sends `signal` to it when this process dies. */
export function dieWithParent(command: string, args: string[], signal: "SIGKILL" | "SIGTERM" = "SIGKILL"): [string, string[]] {
  return SETPRIV ? [SETPRIV, ["--pdeathsig", signal, "--", command, ...args]] : [command, args];
}

const children = new Map<ChildProcess, { group: boolean }>();
let hooked = false;

/** Sends `signal` to the child, or to its whole process group; false when nothing was there. */
export function signalChild(child: ChildProcess, signal: NodeJS.Signals | 0, group: boolean): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(group ? -child.pid : child.pid, signal);
    return true;
  } catch (error) {
    // ESRCH: already gone, which is what we want.
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
    return false;
  }
}

/**
 * Children must not outlive this process when it exits without stopping them (an uncaught
 * error, process.exit). With `group`, the child's whole process group is killed (it was
 * spawned detached), which also reaches the programs it started.
 */
export function killOnExit(child: ChildProcess, options: { group?: boolean } = {}): void {
  children.set(child, { group: options.group ?? false });
  child.once("exit", () => children.delete(child));
  if (hooked) return;
  hooked = true;
  process.once("exit", () => {
    for (const [c, { group }] of children) signalChild(c, "SIGKILL", group);
  });
}

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when the child has exited. */
export function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}
