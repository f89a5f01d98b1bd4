/** Resolves after `ms`, or early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with jitter (the upper half of the window), so that instances which
 * failed together do not all retry at the same moment. `attempt` counts from 1.
 */
export function backoffMs(attempt: number, { baseMs, maxMs }: BackoffOptions): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

export interface WithBackoffOptions extends BackoffOptions {
  attempts: number;
  signal?: AbortSignal;
  /** Called before each pause with the error that caused it (a try again after backoff, not a retry in the glossary's sense). */
  onBackoff?: (error: unknown, attempt: number, delayMs: number) => void;
}

/** Runs `fn` up to `attempts` times, waiting with backoff between tries; rethrows the last error. */
export async function withBackoff<T>(fn: (attempt: number) => Promise<T>, options: WithBackoffOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= options.attempts || options.signal?.aborted) throw error;
      const delay = backoffMs(attempt, options);
      options.onBackoff?.(error, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}
