import type { NatsConnection } from "@aq/shared/bus";
import type { Database } from "@aq/shared/db";
import type { Logger } from "@aq/shared/log";
import type { PlaybackKeyring } from "@aq/shared/playback";
import type { Storage } from "@aq/shared/storage";
import type { GatewayConfig } from "./config.js";

/** What the gateway is built from: configuration and open connections (owned by the caller). */
export interface GatewayDeps {
  config: GatewayConfig;
  db: Database;
  nc: NatsConnection;
  storage: Storage;
  log: Logger;
}

/** The dependencies plus what the gateway derives from them, as resolvers and routes see it. */
export interface GatewayRuntime extends GatewayDeps {
  keyring: PlaybackKeyring;
  /** Signs direct-upload URLs; differs from `storage` when browsers reach the bucket at another endpoint. */
  uploadStorage: Storage;
  /** PLAYBACK_BASE_URL, or this gateway's own address once it listens. */
  playbackBaseUrl(): string;
}
