import { randomUUID } from "node:crypto";
import { AqError, isWebhookEventType, WEBHOOK_EVENT_TYPES } from "@aq/contracts";
import {
  deleteWebhookEndpoint as deleteEndpoint,
  getWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  replayWebhookEvents as replay,
  setWebhookEndpointEnabled as setEnabled,
  type WebhookEndpointRow,
} from "@aq/platform/db";
import { assertWebhookUrlAllowed, newWebhookSecret } from "@aq/platform/webhooks";
import type {
  MutationResolvers,
  QueryResolvers,
  WebhookAttemptResolvers,
  WebhookDeliveryResolvers,
  WebhookEndpointResolvers,
} from "../generated/resolvers.js";
import type { GatewayRuntime } from "../deps.js";
import { videoIdArg } from "../graphql/ids.js";
import { MAX_PAGE_SIZE } from "./queries.js";

/** The most endpoints one deployment registers: each status change is sent to every one. */
const MAX_ENDPOINTS = 100;

async function endpointArg(runtime: GatewayRuntime, id: string): Promise<WebhookEndpointRow> {
  const endpoint = await getWebhookEndpoint(runtime.db, id);
  if (!endpoint) throw new AqError("NOT_FOUND", `no webhook endpoint with id ${id.slice(0, 80)}`);
  return endpoint;
}

function eventTypesArg(events: readonly string[] | null | undefined): string[] {
  const wanted = [...new Set(events ?? [])];
  const unknown = wanted.filter((type) => !isWebhookEventType(type));
  if (unknown.length) {
    throw new AqError(
      "INVALID_INPUT",
      `unknown event types ${unknown.slice(0, 5).join(", ")}; the types are ${WEBHOOK_EVENT_TYPES.join(", ")}`,
    );
  }
  return wanted;
}

function timeArg(name: string, text: string): Date {
  const time = new Date(text);
  if (Number.isNaN(time.getTime())) throw new AqError("INVALID_INPUT", `${name} must be an ISO 8601 time, e.g. 2026-01-31T12:00:00Z`);
  return time;
}

/** Opaque to clients: base64url of the last delivery id of a page. */
function deliveryCursor(id: number): string {
  return Buffer.from(`delivery:${id}`).toString("base64url");
}

function deliveryIdOfCursor(cursor: string): number {
  const match = /^delivery:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw new AqError("INVALID_INPUT", "`after` is not a cursor returned by this API (use pageInfo.endCursor)");
  return Number(match[1]);
}

export const webhookQueries: Pick<QueryResolvers, "webhookEndpoints" | "webhookEndpoint" | "webhookEventTypes"> = {
  webhookEndpoints: (_parent, _args, { runtime }) => listWebhookEndpoints(runtime.db),
  webhookEndpoint: (_parent, { id }, { runtime }) => getWebhookEndpoint(runtime.db, id),
  webhookEventTypes: () => [...WEBHOOK_EVENT_TYPES],
};

export const webhookMutations: Pick<
  MutationResolvers,
  "createWebhookEndpoint" | "setWebhookEndpointEnabled" | "deleteWebhookEndpoint" | "replayWebhookEvents"
> = {
  createWebhookEndpoint: async (_parent, { input }, { runtime, log }) => {
    if (!runtime.webhookSecrets) {
      throw new AqError(
        "WEBHOOKS_NOT_CONFIGURED",
        "webhooks are not configured on this gateway: set WEBHOOK_SECRETS_KEY (the webhook service's)",
      );
    }
    const url = await assertWebhookUrlAllowed(input.url, { allowPrivate: runtime.config.SOURCE_URL_ALLOW_PRIVATE });
    const events = eventTypesArg(input.events);
    if ((await listWebhookEndpoints(runtime.db)).length >= MAX_ENDPOINTS) {
      throw new AqError("INVALID_INPUT", `at most ${MAX_ENDPOINTS} webhook endpoints; delete one first`);
    }
    const secret = newWebhookSecret();
    const endpoint = await insertWebhookEndpoint(runtime.db, {
      id: randomUUID(),
      url: url.href,
      events,
      encryptedSecret: runtime.webhookSecrets.seal(secret),
    });
    log.info({ endpointId: endpoint.id, host: url.host, events }, "webhook endpoint registered");
    return { endpoint, secret };
  },
  setWebhookEndpointEnabled: async (_parent, { id, enabled }, { runtime, log }) => {
    await endpointArg(runtime, id);
    const endpoint = await setEnabled(runtime.db, id, enabled);
    if (!endpoint) throw new AqError("NOT_FOUND", `no webhook endpoint with id ${id.slice(0, 80)}`);
    log.info({ endpointId: id, enabled }, enabled ? "webhook endpoint enabled" : "webhook endpoint disabled");
    return endpoint;
  },
  deleteWebhookEndpoint: async (_parent, { id }, { runtime, log }) => {
    const endpoint = await endpointArg(runtime, id);
    if (endpoint.source === "config") {
      throw new AqError("INVALID_INPUT", "this endpoint is declared in WEBHOOK_ENDPOINTS: remove it there (or disable it here)");
    }
    await deleteEndpoint(runtime.db, id);
    log.info({ endpointId: id }, "webhook endpoint deleted");
    return true;
  },
  replayWebhookEvents: async (_parent, args, { runtime, log }) => {
    const endpoint = await endpointArg(runtime, args.endpointId);
    const since = timeArg("since", args.since);
    const videoId = args.videoId ? videoIdArg(args.videoId) : undefined;
    const queued = await replay(runtime.db, { endpoint, since, videoId });
    log.info({ endpointId: endpoint.id, since, videoId, queued }, "webhook events queued again");
    return queued;
  },
};

export const WebhookEndpoint: WebhookEndpointResolvers = {
  createdAt: (row) => row.createdAt.toISOString(),
  deliveries: async (row, args, { runtime }) => {
    const first = args.first ?? 20;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE)
      throw new AqError("INVALID_INPUT", `first must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`);
    const beforeId = args.after ? deliveryIdOfCursor(args.after) : undefined;
    const rows = await listWebhookDeliveries(runtime.db, row.id, { first: first + 1, beforeId });
    const edges = rows.slice(0, first).map((node) => ({ cursor: deliveryCursor(node.id), node }));
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  },
};

export const WebhookDelivery: WebhookDeliveryResolvers = {
  id: (row) => String(row.id),
  attempts: (row, _args, { webhookAttempts }) => webhookAttempts.load(row.id),
  nextAttemptAt: (row) => (row.state === "pending" ? row.nextAttemptAt.toISOString() : null),
  deliveredAt: (row) => row.deliveredAt?.toISOString() ?? null,
  createdAt: (row) => row.createdAt.toISOString(),
};

export const WebhookAttempt: WebhookAttemptResolvers = {
  at: (row) => row.at.toISOString(),
};
