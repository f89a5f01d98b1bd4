import { existsSync, readFileSync } from "node:fs";
import { canConnect } from "@aq/devkit";

/** True while a process with this pid exists and has not ended (a zombie waiting to be reaped has). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  // /proc/<pid>/stat: "pid (comm) state ..."; comm may hold spaces and parentheses.
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, "utf8") : "";
  return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}

/** True while any process is left in the process group `pgid`. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function listening(url: string): Promise<boolean> {
  const { hostname, port, protocol } = new URL(url);
  const fallback = protocol === "nats:" ? 4222 : protocol === "postgres:" ? 5432 : 80;
  return canConnect(hostname, Number(port) || fallback, 1000);
}
