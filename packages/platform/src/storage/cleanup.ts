import { AqError } from "@aq/contracts";
import type { Logger } from "../log/index.js";
import { withBackoff } from "../service/backoff.js";
import { BUCKET_BACKOFF } from "./bucket-backoff.js";
import type { Storage } from "./client.js";
import { describeSafely } from "./describe-safely.js";
import { deletePrefix } from "./objects.js";

export interface CleanupOptions {
  attempts?: number;
  retryBaseMs?: number;
  log?: Logger;
  signal?: AbortSignal;
}

/**
 * deletePrefix, retried with backoff: a refused or failed delete (a 5xx, a 501 from a store
 * that does not take the request) would otherwise leave objects that nothing removes. After
 * the last attempt it throws CLEANUP_FAILED naming the prefix, never the credentials.
 */
export async function deletePrefixWithBackoff(storage: Storage, prefix: string, options: CleanupOptions = {}): Promise<number> {
  const attempts = options.attempts ?? BUCKET_BACKOFF.attempts;
  try {
    return await withBackoff(() => deletePrefix(storage, prefix), {
      attempts,
      baseMs: options.retryBaseMs ?? BUCKET_BACKOFF.baseMs,
      maxMs: BUCKET_BACKOFF.maxMs,
      signal: options.signal,
      onBackoff: (error, attempt, delayMs) => options.log?.warn({ prefix, attempt, delayMs, err: error }, "delete failed, retrying"),
    });
  } catch (error) {
    const reason = await describeSafely(storage, error);
    throw new AqError("CLEANUP_FAILED", `could not delete the objects under ${prefix} after ${attempts} attempts: ${reason}`, { prefix });
  }
}
