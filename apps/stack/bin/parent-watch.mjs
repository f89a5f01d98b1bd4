/* global process, setInterval, clearInterval */
// Noticing that whoever started this process is gone, for aq-stack.mjs. Plain JavaScript with
// no dependencies, like aq-stack.mjs: it runs before node_modules exists.
import { readFileSync } from "node:fs";

/** The parent process id of `pid`, from /proc (Linux); null elsewhere, or once it is gone. */
export function parentPid(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

/** Whether process `pid` is a shell running a `-c` command line (Linux; false elsewhere). */
function isShellCommand(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[1] === "-c";
  } catch {
    return false;
  }
}

/**
 * Calls `onOrphaned` once, when this process's parent is gone (it is handed to another parent),
 * or, under `npm run`, when npm is: npm runs a script through `sh -c`, and a shell such as
 * Debian's dash waits for the command instead of replacing itself with it, so when npm is killed
 * it is the shell that gets another parent, while this process keeps the shell as its own.
 * Polling is the only portable way to notice. Returns a function that stops watching.
 */
export function watchParents(onOrphaned, intervalMs = 1000) {
  const parent = process.ppid;
  const npm = process.env.npm_lifecycle_event && isShellCommand(parent) ? parentPid(parent) : null;
  const timer = setInterval(() => {
    if (process.ppid === parent && (npm === null || parentPid(parent) === npm)) return;
    clearInterval(timer);
    onOrphaned();
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
