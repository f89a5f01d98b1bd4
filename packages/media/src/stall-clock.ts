import { readdir, readFile } from "node:fs/promises";

/**
 * How long an ffmpeg has gone without progress while it could have run. Time its threads spent
 * waiting for a core does not count: a background run (nice 19) on a saturated host gets almost no
 * CPU for minutes, and counting that as a hang failed the video with ENCODE_STALLED, a code that
 * blames the source and is not retryable. A hung ffmpeg (blocked on a read, or stopped) does not
 * wait on the run queue, so it is still caught, and so is one spinning on a core it gets;
 * ENCODE_TIMEOUT_SECONDS, where set, bounds the rest.
 */
export interface StallClock {
  /** ffmpeg's output time advanced. */
  progressed(now: number): void;
  /**
   * `runQueueWaitMs`: the run-queue wait of all ffmpeg's threads so far (null: unknown, the time
   * counts in full). True when the time without progress, less the waits, is over the limit.
   */
  tick(now: number, runQueueWaitMs: number | null): boolean;
}

export function createStallClock(stallMs: number, now: number): StallClock {
  let idleMs = 0;
  let lastTick = now;
  let lastWait: number | null = null;
  return {
    progressed(at) {
      idleMs = 0;
      lastTick = at;
    },
    tick(at, runQueueWaitMs) {
      const wall = Math.max(0, at - lastTick);
      lastTick = at;
      // Summed over threads, so several waiting at once can exceed the wall time: any thread
      // kept from a core means the run is held back, not hung.
      const waited = runQueueWaitMs !== null && lastWait !== null ? Math.max(0, runQueueWaitMs - lastWait) : 0;
      lastWait = runQueueWaitMs;
      idleMs += wall > 0 ? wall * (1 - Math.min(1, waited / wall)) : 0;
      return idleMs > stallMs;
    },
  };
}

/**
 * The time all threads of `pid` have spent runnable but waiting for a core (the second field of
 * Linux's /proc/<pid>/task/<tid>/schedstat, in ns), or null where the kernel does not say.
 */
export async function runQueueWaitMs(pid: number): Promise<number | null> {
  const tids = await readdir(`/proc/${pid}/task`).catch(() => null);
  if (!tids) return null;
  let waitNs = 0;
  let read = 0;
  for (const tid of tids) {
    // A thread can end between the listing and the read.
    const stat = await readFile(`/proc/${pid}/task/${tid}/schedstat`, "utf8").catch(() => null);
    const field = stat?.split(" ")[1];
    if (field === undefined) continue;
    waitNs += Number(field);
    read += 1;
  }
  return read > 0 ? waitNs / 1e6 : null;
}
