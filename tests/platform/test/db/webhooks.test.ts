import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@aq/devkit";
import { webhookEventOf } from "@aq/platform/webhooks";
import {
  claimDueWebhookDeliveries,
  fanOutVideoEvents,
  getVideoHistory,
  insertVideo,
  deleteWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookEndpoints,
  recordWebhookAttempt,
  replayWebhookEvents,
  syncConfigWebhookEndpoints,
  transitionVideo,
  videoStatusHistory,
  type ClaimedDelivery,
  type Database,
} from "@aq/platform/db";

let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
});
afterAll(async () => {
  await database?.drop();
});

const ok = { statusCode: 200, error: null, durationMs: 1 };
const refused = { statusCode: null, error: "ECONNREFUSED", durationMs: 1 };
const schedule = { retryInMs: 0, retryWindowMs: 3_600_000 };
const claimOf = (c: ClaimedDelivery) => ({ deliveryId: c.delivery.id, claimToken: c.delivery.claimToken! });

/** Each test's endpoints are the only enabled ones, so a claim takes only what the test queued. */
async function onlyNewEndpoints(): Promise<void> {
  await db.$client.query("update webhook_endpoints set enabled = false");
}

async function endpoint(events: string[] = []) {
  return insertWebhookEndpoint(db, { id: randomUUID(), url: "https://1.1.1.1/x", events, encryptedSecret: "sealed" });
}

async function video(): Promise<string> {
  const id = randomUUID();
  await insertVideo(db, { id, status: "uploaded", sourceKind: "url", sourceLocation: "https://example.com/a.mp4" });
  await transitionVideo(db, { id, from: "uploaded", to: "probing" });
  await transitionVideo(db, { id, from: "probing", to: "rejected", set: { errorCode: "SOURCE_NOT_MEDIA", errorMessage: "not a video" } });
  return id;
}

async function claim(): Promise<ClaimedDelivery[]> {
  return claimDueWebhookDeliveries(db, { limit: 100, claimMs: 10_000 });
}

const byEndpoint = (claimed: ClaimedDelivery[], endpointId: string) =>
  claimed.filter((c) => c.endpoint.id === endpointId).map((c) => c.change.toStatus);

describe("webhook deliveries in Postgres", () => {
  it("gives each status change a stable event id and the error it announced", async () => {
    const history = await getVideoHistory(db, await video());
    expect(new Set(history.map((h) => h.eventId)).size).toBe(3);
    expect(history.map((h) => h.error)).toEqual([null, null, { code: "SOURCE_NOT_MEDIA", message: "not a video" }]);
  });

  it("queues each wanted change once per endpoint, only changes since the endpoint was registered", async () => {
    await onlyNewEndpoints();
    const before = await video();
    const all = await endpoint();
    const rejectedOnly = await endpoint(["video.rejected"]);
    const id = await video();
    expect(await fanOutVideoEvents(db, before)).toBe(0);
    expect(await fanOutVideoEvents(db, id)).toBe(4);
    expect(await fanOutVideoEvents(db, id)).toBe(0);
    // In order per video: only the oldest pending event of an endpoint's chain is claimable.
    const claimed = await claim();
    expect(byEndpoint(claimed, rejectedOnly.id)).toEqual(["rejected"]);
    expect(byEndpoint(claimed, all.id)).toEqual(["uploaded"]);
    expect(await claim()).toEqual([]);
    for (const c of claimed) expect(await recordWebhookAttempt(db, claimOf(c), ok, schedule)).toBe("delivered");
    expect(byEndpoint(await claim(), all.id)).toEqual(["probing"]);
  });

  it("keeps a replay when an earlier try's outcome arrives after it (the claim token no longer matches)", async () => {
    await onlyNewEndpoints();
    const target = await endpoint(["video.uploaded"]);
    const id = await video();
    await fanOutVideoEvents(db, id);
    const [inFlight] = await claim();
    expect(await replayWebhookEvents(db, { endpoint: target, since: new Date(0), videoId: id })).toBe(1);
    expect(await recordWebhookAttempt(db, claimOf(inFlight!), ok, schedule)).toBeNull();
    const [again] = await claim();
    expect(again!.delivery.eventId).toBe(inFlight!.delivery.eventId);
    expect(again!.delivery.attempts).toBe(0);
  });

  it("records nothing, and does not fail, for a try whose endpoint was deleted meanwhile", async () => {
    await onlyNewEndpoints();
    const target = await endpoint(["video.uploaded"]);
    await fanOutVideoEvents(db, await video());
    const [inFlight] = await claim();
    expect(await deleteWebhookEndpoint(db, target.id)).toBe(true);
    expect(await recordWebhookAttempt(db, claimOf(inFlight!), ok, schedule)).toBeNull();
  });

  it("marks a delivery failed once its retry window is over, and lets the video's next event go", async () => {
    await onlyNewEndpoints();
    const target = await endpoint(["video.uploaded", "video.probing"]);
    const id = await video();
    await fanOutVideoEvents(db, id);
    const [first] = await claim();
    expect(await recordWebhookAttempt(db, claimOf(first!), refused, { retryInMs: 0, retryWindowMs: 3_600_000 })).toBe("pending");
    const [retry] = await claim();
    expect(retry!.delivery.id).toBe(first!.delivery.id);
    expect(retry!.delivery.attempts).toBe(1);
    // The window counts from the first try: a window already over when the second fails ends it.
    await db.$client.query("update webhook_deliveries set retry_until = now() - interval '1 second' where id = $1", [first!.delivery.id]);
    expect(await recordWebhookAttempt(db, claimOf(retry!), refused, schedule)).toBe("failed");
    expect(byEndpoint(await claim(), target.id)).toEqual(["probing"]);
  });

  it("sends a playable entry as video.playable, in order with the video's status changes, to endpoints that want it", async () => {
    await onlyNewEndpoints();
    const playableOnly = await endpoint(["video.playable"]);
    const statusesOnly = await endpoint(["video.encoding", "video.encoded"]);
    const id = randomUUID();
    await insertVideo(db, { id, status: "encoding", sourceKind: "url", sourceLocation: "https://example.com/a.mp4" });
    await db.insert(videoStatusHistory).values({ videoId: id, kind: "playable", fromStatus: null, toStatus: "encoding" });
    await transitionVideo(db, { id, from: "encoding", to: "encoded" });
    expect(await fanOutVideoEvents(db, id)).toBe(3);
    const claimed = await claim();
    const playable = claimed.find((c) => c.endpoint.id === playableOnly.id)!;
    expect(playable.delivery.eventType).toBe("video.playable");
    expect(webhookEventOf(playable.change)).toMatchObject({
      type: "video.playable",
      data: { videoId: id, status: "ENCODING", previousStatus: null, error: null },
    });
    // The status endpoint's chain: encoding first, and encoded only once that is delivered.
    expect(claimed.filter((c) => c.endpoint.id === statusesOnly.id).map((c) => c.delivery.eventType)).toEqual(["video.encoding"]);
    for (const c of claimed) await recordWebhookAttempt(db, claimOf(c), ok, schedule);
    expect((await claim()).map((c) => c.delivery.eventType)).toEqual(["video.encoded"]);
    expect((await getVideoHistory(db, id)).map((h) => h.toStatus)).toEqual(["encoding", "encoded"]);
  });

  it("replays nothing the endpoint does not want", async () => {
    const target = await endpoint(["video.ready"]);
    expect(await replayWebhookEvents(db, { endpoint: target, since: new Date(0) })).toBe(0);
  });

  it("writes WEBHOOK_ENDPOINTS as config endpoints and disables one no longer declared", async () => {
    await syncConfigWebhookEndpoints(db, [
      { id: "config-a", url: "https://1.1.1.1/a", events: [], encryptedSecret: "s1" },
      { id: "config-b", url: "https://1.1.1.1/b", events: ["video.ready"], encryptedSecret: "s2" },
    ]);
    await syncConfigWebhookEndpoints(db, [{ id: "config-b", url: "https://1.1.1.1/b", events: [], encryptedSecret: "s3" }]);
    const rows = (await listWebhookEndpoints(db)).filter((e) => e.source === "config");
    expect(rows.map((e) => [e.id, e.enabled, e.events, e.encryptedSecret])).toEqual([
      ["config-a", false, [], "s1"],
      ["config-b", true, [], "s3"],
    ]);
  });
});
