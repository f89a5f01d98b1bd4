import type DataLoader from "dataloader";
import type { StatusChangeRow, WebhookAttemptRow } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import type { GatewayRuntime } from "../deps.js";

/** What every resolver sees: the gateway's connections and configuration, a request logger, and per-operation batch loaders. */
export interface GatewayContext {
  runtime: GatewayRuntime;
  log: Logger;
  /** Video histories, fetched in one query for every video an operation lists. */
  history: DataLoader<string, StatusChangeRow[]>;
  /** The tries of every webhook delivery an operation lists, in one query. */
  webhookAttempts: DataLoader<number, WebhookAttemptRow[]>;
}
