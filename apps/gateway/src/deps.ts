import type { NatsConnection } from "@aq/platform/bus";
import type { Database } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import type { PlaybackKeyring } from "@aq/platform/playback";
import type { Storage } from "@aq/platform/storage";
import type { SecretBox } from "@aq/platform/webhooks";
import type { GatewayConfig } from "./config.js";
import type { BusGaps } from "./graphql/bus-gaps.js";

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
  /** When core NATS messages may have been missed (reconnects), so live streams read the state again. */
  busGaps: BusGaps;
  /** Seals the secrets of new webhook endpoints; null without WEBHOOK_SECRETS_KEY (no endpoint can be registered). */
  webhookSecrets: SecretBox | null;
}
