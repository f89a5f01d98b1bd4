import type { NatsConnection } from "@nats-io/nats-core";
import type { Database } from "../db/index.js";
import type { Logger } from "../log/index.js";
import type { LadderConfig } from "../media/index.js";
import type { Storage } from "../storage/index.js";

/** What every pipeline stage works with; the services build it from their config. */
export interface StageDeps {
  db: Database;
  nc: NatsConnection;
  storage: Storage;
  log: Logger;
  workDir: string;
  ladder: LadderConfig;
}

/** Per-delivery facts from the work consumer. */
export interface DeliveryContext {
  signal: AbortSignal;
  /** The message will not be redelivered again: an unexpected failure must become terminal now. */
  lastAttempt: boolean;
}
