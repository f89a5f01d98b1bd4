import { holdsLease, releaseLease, renewLease, type Database, type LeaseRef } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import { backoffMs, sleep } from "@aq/platform/service";

/** A lease while its work runs: renewed in the database, and a signal that stops the work once it is lost. */
export interface HeldLease {
  ref: LeaseRef;
  /** Aborted when the lease is lost: stop the work (ffmpeg is killed) and leave its files to the new owner. */
  signal: AbortSignal;
  readonly lost: boolean;
  /** Checks with the database, right before a step another owner must never see done twice. */
  assertHeld(): Promise<void>;
  /**
   * Stops renewing and gives the lease up (a no-op if it was lost or already released); while the
   * database is unreachable it keeps trying until the lease would have expired by itself.
   */
  end(): Promise<void>;
}

export class LeaseLostError extends Error {
  constructor(ref: LeaseRef) {
    super(`the lease on ${ref.unit} of video ${ref.videoId} was lost; another worker owns this work now`);
    this.name = "LeaseLostError";
  }
}

/**
 * Keeps a lease for as long as its work runs: renewed every quarter of `ttlMs`. The holder gives
 * up on its own once no renewal has been confirmed for 70 % of `ttlMs` (the database
 * unreachable, the process paused), so it stops before anyone can take the lease over.
 */
export function keepLease(db: Database, ref: LeaseRef, options: { ttlMs: number; log: Logger }): HeldLease {
  const { ttlMs, log } = options;
  const controller = new AbortController();
  let confirmedAt = performance.now();
  let renewing = false;
  let ended = false;

  const lose = (why: string) => {
    if (controller.signal.aborted) return;
    clearInterval(timer);
    log.warn({ videoId: ref.videoId, unit: ref.unit, why }, "lease lost; stopping this work");
    controller.abort(new LeaseLostError(ref));
  };

  const tick = async () => {
    if (performance.now() - confirmedAt > ttlMs * 0.7) return lose("no renewal confirmed in time");
    if (renewing) return;
    renewing = true;
    const sentAt = performance.now();
    try {
      if (await renewLease(db, ref, ttlMs)) confirmedAt = sentAt;
      else if (!ended) lose("taken over or released by someone else");
    } catch (error) {
      log.warn({ videoId: ref.videoId, err: error }, "lease renewal failed; trying again");
    } finally {
      renewing = false;
    }
  };
  const timer = setInterval(() => void tick(), Math.max(50, ttlMs / 4));

  return {
    ref,
    signal: controller.signal,
    get lost() {
      return controller.signal.aborted;
    },
    async assertHeld() {
      if (!controller.signal.aborted && !(await holdsLease(db, ref))) lose("taken over or released by someone else");
      if (controller.signal.aborted) throw new LeaseLostError(ref);
    },
    async end() {
      ended = true;
      clearInterval(timer);
      if (controller.signal.aborted) return;
      // A lease left standing makes the redelivery of this very work (a failed delivery is nakked
      // right after) find it held and drop itself as a duplicate: the work would wait for the stuck
      // sweep. So a release the database refused is tried again, until the lease lapses anyway.
      for (let attempt = 1; ; attempt++) {
        try {
          return await releaseLease(db, ref);
        } catch (error) {
          if (performance.now() - confirmedAt > ttlMs) {
            return log.warn({ videoId: ref.videoId, unit: ref.unit, err: error }, "lease release failed; it has lapsed by now");
          }
          log.warn({ videoId: ref.videoId, unit: ref.unit, err: error }, "lease release failed; trying again");
          await sleep(backoffMs(attempt, { baseMs: 250, maxMs: 2000 }));
        }
      }
    },
  };
}
