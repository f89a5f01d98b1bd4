import type { Logger } from "@aq/platform/log";
import type { GatewayRuntime } from "../deps.js";

/** What every resolver sees: the gateway's connections and configuration, and a request logger. */
export interface GatewayContext {
  runtime: GatewayRuntime;
  log: Logger;
}
