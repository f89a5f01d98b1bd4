import { canConnect } from "@aq/devkit";

/** True while a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
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
