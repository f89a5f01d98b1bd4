import type { NatsConnection } from "@nats-io/nats-core";
import type { Database, VideoRow } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import type { LadderConfig } from "@aq/config";
import type { Storage } from "@aq/platform/storage";
import type { HeldLease } from "./lease.js";

/** What every pipeline stage works with; the services build it from their config. */
export interface StageDeps {
  db: Database;
  nc: NatsConnection;
  storage: Storage;
  log: Logger;
  workDir: string;
  ladder: LadderConfig;
}

/** Per-delivery facts from the work consumer, once the delivery owns the video's stage. */
export interface DeliveryContext {
  /** Aborted at shutdown and when the lease is lost (`lease.lost` tells which). */
  signal: AbortSignal;
  /** The message will not be redelivered again: an unexpected failure must become terminal now. */
  lastAttempt: boolean;
  /** Every write of the stage names it; final transitions release it. */
  lease: HeldLease;
  /** The video as the lease was taken, already in the stage's working status. */
  video: VideoRow;
}
