import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  claimDueWebhookDeliveries,
  fanOutVideoEvents,
  getWebhookEndpoint,
  insertVideo,
  listWebhookEndpoints,
  recordWebhookAttempt,
  syncConfigWebhookEndpoints,
  transitionVideo,
} from "@aq/platform/db";
import { createSecretBox } from "@aq/platform/webhooks";
import { startInfrastructure, startTestGateway, type Infrastructure, type TestGateway } from "./harness.js";

const SECRETS_KEY = "gateway-test-webhook-key-0123456789abcdef";
const ENDPOINT_FIELDS = "id url events enabled source createdAt";
const CREATE = `mutation Create($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { ${ENDPOINT_FIELDS} } }
}`;
const LIST = `{ webhookEndpoints { ${ENDPOINT_FIELDS} } }`;
const DELIVERIES = `query Deliveries($id: ID!, $first: Int, $after: String) {
  webhookEndpoint(id: $id) {
    deliveries(first: $first, after: $after) {
      edges { cursor node { id eventId eventType videoId state nextAttemptAt deliveredAt createdAt attempts { at statusCode error durationMs } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;
const REPLAY = `mutation Replay($id: ID!, $since: String!, $videoId: ID) { replayWebhookEvents(endpointId: $id, since: $since, videoId: $videoId) }`;
const SET_ENABLED = `mutation Enable($id: ID!, $enabled: Boolean!) { setWebhookEndpointEnabled(id: $id, enabled: $enabled) { id enabled } }`;
const DELETE = `mutation Delete($id: ID!) { deleteWebhookEndpoint(id: $id) }`;

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  source: string;
  createdAt: string;
}
interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  videoId: string;
  state: string;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  attempts: Array<{ statusCode: number | null; error: string | null; durationMs: number }>;
}
interface DeliveriesPage {
  webhookEndpoint: {
    deliveries: { edges: Array<{ cursor: string; node: Delivery }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  };
}

describe("webhook endpoints through GraphQL", () => {
  let infra: Infrastructure;
  let gw: TestGateway;

  beforeAll(async () => {
    infra = await startInfrastructure();
    gw = await startTestGateway(infra, { WEBHOOK_SECRETS_KEY: SECRETS_KEY });
  });
  afterAll(async () => {
    await gw?.stop();
    await infra?.stop();
  });

  const create = (input: Record<string, unknown>) =>
    gw.graphql<{ createWebhookEndpoint: { secret: string; endpoint: Endpoint } }>(CREATE, { input });

  it("registers an endpoint and shows its secret once, stored sealed", async () => {
    const result = await create({ url: "https://1.1.1.1/hooks/aq", events: ["video.ready", "video.failed_encoding"] });
    expect(result.errors).toBeUndefined();
    const { secret, endpoint } = result.data!.createWebhookEndpoint;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(endpoint).toMatchObject({
      url: "https://1.1.1.1/hooks/aq",
      events: ["video.ready", "video.failed_encoding"],
      enabled: true,
      source: "API",
    });

    const listed = await gw.graphql<{ webhookEndpoints: Endpoint[] }>(LIST);
    expect(listed.data!.webhookEndpoints.map((e) => e.id)).toContain(endpoint.id);
    expect(JSON.stringify(listed)).not.toContain(secret);
    const row = await getWebhookEndpoint(gw.db, endpoint.id);
    expect(row!.encryptedSecret).not.toContain(secret);
    expect(createSecretBox(SECRETS_KEY).open(row!.encryptedSecret)).toBe(secret);

    const types = await gw.graphql<{ webhookEventTypes: string[] }>("{ webhookEventTypes }");
    expect(types.data!.webhookEventTypes).toContain("video.ready");
    // One per status, then video.playable.
    expect(types.data!.webhookEventTypes).toHaveLength(13);
    expect(types.data!.webhookEventTypes.at(-1)).toBe("video.playable");
  });

  it("refuses private, loopback and link-local endpoints with WEBHOOK_URL_REFUSED, and unknown event types", async () => {
    const before = (await listWebhookEndpoints(gw.db)).length;
    for (const url of [
      "http://127.0.0.1:9/hook",
      "http://10.1.2.3/hook",
      "http://169.254.169.254/latest",
      "http://[::1]/x",
      "ftp://1.1.1.1/x",
    ]) {
      const result = await create({ url });
      expect(result.errors?.[0]?.extensions, url).toMatchObject({ code: "BAD_USER_INPUT", aqCode: "WEBHOOK_URL_REFUSED" });
    }
    const unknown = await create({ url: "https://1.1.1.1/x", events: ["video.done"] });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", aqCode: "INVALID_INPUT" });
    expect(unknown.errors?.[0]?.message).toMatch(/unknown event types video\.done/);
    expect((await listWebhookEndpoints(gw.db)).length).toBe(before);
  });

  it("refuses to register an endpoint on a gateway without WEBHOOK_SECRETS_KEY", async () => {
    const bare = await startTestGateway(infra);
    try {
      const result = await bare.graphql(CREATE, { input: { url: "https://1.1.1.1/x" } });
      expect(result.errors?.[0]?.extensions).toMatchObject({ aqCode: "WEBHOOKS_NOT_CONFIGURED" });
    } finally {
      await bare.stop();
    }
  });

  it("shows the delivery log with every try, and replays events since a time", async () => {
    const { endpoint } = (await create({ url: "https://1.1.1.1/log" })).data!.createWebhookEndpoint;
    const videoId = randomUUID();
    await insertVideo(gw.db, { id: videoId, status: "uploaded", sourceKind: "url", sourceLocation: "https://example.com/a.mp4" });
    await transitionVideo(gw.db, { id: videoId, from: "uploaded", to: "probing" });
    // What the webhook service does: queue the deliveries, then try the first one twice.
    expect(await fanOutVideoEvents(gw.db, videoId)).toBeGreaterThanOrEqual(2);
    const schedule = { retryInMs: 0, retryWindowMs: 3_600_000 };
    for (const outcome of [
      { statusCode: 503, error: null, durationMs: 12 },
      { statusCode: 200, error: null, durationMs: 8 },
    ]) {
      const [claimed] = (await claimDueWebhookDeliveries(gw.db, { limit: 10, claimMs: 10_000 })).filter(
        (c) => c.endpoint.id === endpoint.id,
      );
      expect(claimed!.change.toStatus).toBe("uploaded");
      await recordWebhookAttempt(gw.db, { deliveryId: claimed!.delivery.id, claimToken: claimed!.delivery.claimToken! }, outcome, schedule);
    }

    const page = await gw.graphql<DeliveriesPage>(DELIVERIES, { id: endpoint.id, first: 1 });
    expect(page.errors).toBeUndefined();
    const { edges, pageInfo } = page.data!.webhookEndpoint.deliveries;
    // Newest first: the probing event, still waiting for its first try.
    expect(edges[0]!.node).toMatchObject({ eventType: "video.probing", videoId, state: "PENDING", attempts: [], deliveredAt: null });
    expect(pageInfo.hasNextPage).toBe(true);
    const next = await gw.graphql<DeliveriesPage>(DELIVERIES, { id: endpoint.id, first: 10, after: pageInfo.endCursor });
    const uploaded = next.data!.webhookEndpoint.deliveries.edges.map((e) => e.node);
    expect(uploaded).toHaveLength(1);
    expect(uploaded[0]).toMatchObject({ eventType: "video.uploaded", state: "DELIVERED", nextAttemptAt: null });
    expect(uploaded[0]!.attempts.map((a) => [a.statusCode, a.error, a.durationMs])).toEqual([
      [503, null, 12],
      [200, null, 8],
    ]);

    const since = new Date(Date.now() - 60_000).toISOString();
    const replayed = await gw.graphql<{ replayWebhookEvents: number }>(REPLAY, { id: endpoint.id, since, videoId });
    expect(replayed.data).toEqual({ replayWebhookEvents: 2 });
    const after = await gw.graphql<DeliveriesPage>(DELIVERIES, { id: endpoint.id, first: 10 });
    const nodes = after.data!.webhookEndpoint.deliveries.edges.map((e) => e.node);
    expect(nodes.map((n) => n.state)).toEqual(["PENDING", "PENDING"]);
    // The same deliveries (same event ids), their earlier tries kept in the log.
    expect(nodes[1]!.eventId).toBe(uploaded[0]!.eventId);
    expect(nodes[1]!.attempts).toHaveLength(2);

    const badSince = await gw.graphql(REPLAY, { id: endpoint.id, since: "yesterday" });
    expect(badSince.errors?.[0]?.extensions).toMatchObject({ aqCode: "INVALID_INPUT" });
    const unknown = await gw.graphql(REPLAY, { id: randomUUID(), since });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND" });
  });

  it("disables, enables and deletes API endpoints; a CONFIG endpoint is removed in configuration only", async () => {
    const { endpoint } = (await create({ url: "https://1.1.1.1/toggle" })).data!.createWebhookEndpoint;
    const disabled = await gw.graphql(SET_ENABLED, { id: endpoint.id, enabled: false });
    expect(disabled.data).toEqual({ setWebhookEndpointEnabled: { id: endpoint.id, enabled: false } });
    expect((await getWebhookEndpoint(gw.db, endpoint.id))!.enabled).toBe(false);
    expect((await gw.graphql(SET_ENABLED, { id: endpoint.id, enabled: true })).data).toEqual({
      setWebhookEndpointEnabled: { id: endpoint.id, enabled: true },
    });
    expect((await gw.graphql(DELETE, { id: endpoint.id })).data).toEqual({ deleteWebhookEndpoint: true });
    expect(await getWebhookEndpoint(gw.db, endpoint.id)).toBeNull();
    expect((await gw.graphql(DELETE, { id: endpoint.id })).errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND" });

    const box = createSecretBox(SECRETS_KEY);
    await syncConfigWebhookEndpoints(gw.db, [
      { id: "config-test", url: "https://1.1.1.1/config", events: [], encryptedSecret: box.seal("whsec_x") },
    ]);
    const refused = await gw.graphql(DELETE, { id: "config-test" });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ aqCode: "INVALID_INPUT" });
    expect(refused.errors?.[0]?.message).toMatch(/WEBHOOK_ENDPOINTS/);
    const listed = await gw.graphql<{ webhookEndpoints: Endpoint[] }>(LIST);
    expect(listed.data!.webhookEndpoints.find((e) => e.id === "config-test")).toMatchObject({ source: "CONFIG", enabled: true });
  });
});
