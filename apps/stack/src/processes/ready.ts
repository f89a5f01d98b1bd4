import { setTimeout as sleep } from "node:timers/promises";
import type { OwnedProcess } from "./owned-process.js";

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
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${lastProblem ? ` (last error: ${lastProblem})` : ""}`);
    }
    await sleep(150);
  }
}

/** GET `url` and true on a 2xx. */
export async function answersOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  return response.ok;
}
