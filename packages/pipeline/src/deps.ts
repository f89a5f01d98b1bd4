import type { NatsConnection } from "@nats-io/nats-core";
import type { Database } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import type { LadderConfig } from "@aq/config";
import type { Storage } from "@aq/platform/storage";

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
