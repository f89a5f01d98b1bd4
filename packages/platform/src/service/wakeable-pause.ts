/**
 * The sleep of a polling loop that others can cut short: `wake()` ends the current pause, or
 * makes the next one return at once when it came while the loop was working; `clear()` forgets
 * such a wake when the loop starts a round anyway. A timer and a resolver rather than
 * AbortSignal.any per pause: these loops run for the life of the process.
 */
export function wakeablePause(signal: AbortSignal): { pause(ms: number): Promise<void>; wake(): void; clear(): void } {
  let woken = false;
  let wakeUp: (() => void) | undefined;
  return {
    pause: (ms) =>
      new Promise<void>((resolve) => {
        if (woken || signal.aborted) return resolve();
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          wakeUp = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener("abort", done, { once: true });
        wakeUp = done;
      }),
    wake() {
      woken = true;
      wakeUp?.();
    },
    clear() {
      woken = false;
    },
  };
}
