import { createHash } from "node:crypto";
import type { ConfiguredWebhookEndpoint } from "@aq/config";
import type { NewWebhookEndpoint } from "@aq/platform/db";
import type { SecretBox } from "@aq/platform/webhooks";

/**
 * WEBHOOK_ENDPOINTS as endpoint rows: the id is derived from the URL, so every instance and
 * every restart writes the same row (and keeps its delivery log).
 */
export function configEndpointRows(declared: ConfiguredWebhookEndpoint[], secrets: SecretBox): NewWebhookEndpoint[] {
  return declared.map((endpoint) => ({
    id: `config-${createHash("sha256").update(endpoint.url).digest("hex").slice(0, 20)}`,
    url: endpoint.url,
    events: endpoint.events,
    encryptedSecret: secrets.seal(endpoint.secret),
  }));
}
