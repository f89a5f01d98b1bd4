/**
 * Runs tasks at once. Each gets a signal that aborts with `signal` or as soon as one of them fails,
 * so one failure stops the others. Once every task has ended (none is left running), resolves with
 * their results in order, or throws the first failure (the others' failures are the stop's).
 */
export async function sideBySide<T extends readonly unknown[]>(
  signal: AbortSignal | undefined,
  tasks: { readonly [K in keyof T]: (signal: AbortSignal) => Promise<T[K]> },
): Promise<T> {
  const stop = new AbortController();
  const shared = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  let failure: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    (tasks as readonly ((signal: AbortSignal) => Promise<unknown>)[]).map(async (task) => {
      try {
        return await task(shared);
      } catch (error) {
        failure ??= { error };
        stop.abort();
        throw error;
      }
    }),
  );
  if (failure) throw failure.error;
  return settled.map((result) => (result as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
