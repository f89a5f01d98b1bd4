import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VideoStatus } from "@aq/contracts";
import { closeBus, connectBus, ensurePipelineStream, startOutboxRelay, type NatsConnection, type OutboxRelay } from "@aq/platform/bus";
import {
  getVideoHistory,
  getWebhookAttempts,
  insertVideo,
  insertWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  replayWebhookEvents,
  transitionVideo,
  type WebhookEndpointRow,
} from "@aq/platform/db";
import { createLogger } from "@aq/platform/log";
import { createSecretBox, verifyWebhookSignature } from "@aq/platform/webhooks";
import {
  createTestDatabase,
  startNatsServer,
  startServiceProcess,
  stopChild,
  waitFor,
  type RunningService,
  type TestDatabase,
  type TestNatsServer,
} from "@aq/devkit";
import { Receiver } from "./receiver.js";

const SECRETS_KEY = "test-webhook-secrets-key-0123456789abcdef";
const CONFIG_SECRET = "whsec_config-endpoint-secret-0123456789";
const FORWARD: VideoStatus[] = ["uploaded", "probing", "probed", "encoding", "encoded", "uploading", "ready"];

let nats: TestNatsServer;
let database: TestDatabase;
let nc: NatsConnection;
let relay: OutboxRelay;
const background = new AbortController();
const receiver = new Receiver();
let env: Record<string, string>;
let service: RunningService;
const logDir = join(tmpdir(), `aq-webhook-test-${process.pid}`);
const box = createSecretBox(SECRETS_KEY);
/** Every endpoint secret the tests made, to look for in the service's log. */
const secrets: string[] = [CONFIG_SECRET, SECRETS_KEY];

const startService = () => startServiceProcess("webhook-service", env, { logDir });

async function endpoint(path: string, events: string[] = []): Promise<{ row: WebhookEndpointRow; secret: string }> {
  const secret = `whsec_${randomUUID()}`;
  secrets.push(secret);
  const row = await insertWebhookEndpoint(database.db, {
    id: randomUUID(),
    url: `${receiver.url}${path}`,
    events,
    encryptedSecret: box.seal(secret),
  });
  return { row, secret };
}

/** A video created in `uploaded`, moved along `path`; every change is announced through the outbox as in production. */
async function video(path: VideoStatus[] = []): Promise<string> {
  const id = randomUUID();
  await insertVideo(database.db, { id, status: "uploaded", sourceKind: "url", sourceLocation: "https://example.com/a.mp4" });
  await advance(id, path);
  return id;
}

async function advance(id: string, path: VideoStatus[]): Promise<void> {
  for (const to of path) {
    const [current] = (await getVideoHistory(database.db, id)).slice(-1);
    expect(await transitionVideo(database.db, { id, from: current!.toStatus, to })).not.toBeNull();
  }
  relay.wake();
}

const statuses = (events: Array<{ data: { status: string } }>) => events.map((e) => e.data.status.toLowerCase());

beforeAll(async () => {
  [nats, database] = await Promise.all([startNatsServer(), createTestDatabase(), receiver.start()]);
  const log = createLogger("webhook-test", "silent");
  nc = await connectBus(nats.url, log);
  await ensurePipelineStream(nc);
  relay = startOutboxRelay(database.db, nc, { log, signal: background.signal, intervalMs: 100 });
  env = {
    DATABASE_URL: database.url,
    NATS_URL: nats.url,
    NATS_ACK_WAIT_SECONDS: "5",
    WEBHOOK_SECRETS_KEY: SECRETS_KEY,
    SOURCE_URL_ALLOW_PRIVATE: "true",
    WEBHOOK_TIMEOUT_SECONDS: "1",
    WEBHOOK_RETRY_BASE_SECONDS: "0.2",
    WEBHOOK_RETRY_MAX_SECONDS: "1",
    WEBHOOK_ENDPOINTS: JSON.stringify([{ url: `${receiver.url}/config`, secret: CONFIG_SECRET, events: ["video.ready"] }]),
  };
  service = await startService();
});

afterAll(async () => {
  if (service) await stopChild(service.child, 10_000);
  background.abort();
  await relay?.stopped;
  if (nc) await closeBus(nc);
  await receiver.stop();
  await Promise.all([nats?.stop(), database?.drop()]);
});

describe("webhook service", () => {
  it("delivers every status change signed and verifiable, in order per video, with the history's event ids", async () => {
    const all = await endpoint("/all");
    const readyOnly = await endpoint("/ready", ["video.ready"]);
    // Two videos moving at once: their events interleave in the stream.
    const a = await video();
    const b = await video();
    for (let i = 1; i < FORWARD.length; i++) {
      await advance(a, [FORWARD[i]!]);
      await advance(b, [FORWARD[i]!]);
    }
    await waitFor(
      () =>
        receiver.accepted("/all").length === 14 && receiver.accepted("/ready").length === 2 && receiver.accepted("/config").length === 2,
      {
        timeoutMs: 30_000,
        message: "14 events at /all, 2 at /ready and /config",
      },
    );

    for (const id of [a, b]) {
      const history = await getVideoHistory(database.db, id);
      const got = receiver.accepted("/all").filter((e) => e.data.videoId === id);
      expect(statuses(got)).toEqual(FORWARD);
      expect(got.map((e) => e.id)).toEqual(history.map((h) => h.eventId));
      expect(got.map((e) => e.type)).toEqual(FORWARD.map((s) => `video.${s}`));
      expect(got[1]!.data).toEqual({ videoId: id, status: "PROBING", previousStatus: "UPLOADED", error: null });
    }
    expect(receiver.accepted("/ready").map((e) => e.type)).toEqual(["video.ready", "video.ready"]);

    for (const [path, secret] of [
      ["/all", all.secret],
      ["/ready", readyOnly.secret],
      ["/config", CONFIG_SECRET],
    ] as const) {
      for (const delivery of receiver.at(path)) {
        expect(verifyWebhookSignature({ secret, body: delivery.body, header: delivery.signature })).toBe(true);
        expect(verifyWebhookSignature({ secret: all.secret + "x", body: delivery.body, header: delivery.signature })).toBe(false);
      }
    }
    const config = (await listWebhookEndpoints(database.db)).find((e) => e.source === "config");
    expect(config).toMatchObject({ url: `${receiver.url}/config`, events: ["video.ready"], enabled: true });
    expect(config!.encryptedSecret).not.toContain(CONFIG_SECRET);
  });

  it("retries after a 500 and after a timeout, logs each try, and holds the video's next event back meanwhile", async () => {
    const { row } = await endpoint("/flaky");
    receiver.on("/flaky", (_delivery, earlier) => (earlier === 0 ? 500 : earlier === 1 ? "hang" : 200));
    const id = await video(["probing"]);

    await waitFor(() => receiver.accepted("/flaky").length === 2, { timeoutMs: 30_000, message: "both events accepted at /flaky" });
    const requests = receiver.at("/flaky");
    // uploaded: 500, no answer, 200; only then probing: 500, no answer, 200.
    expect(requests.map((r) => [r.event.data.status, r.answer, r.attempt])).toEqual([
      ["UPLOADED", 500, 1],
      ["UPLOADED", "hung", 2],
      ["UPLOADED", 200, 3],
      ["PROBING", 500, 1],
      ["PROBING", "hung", 2],
      ["PROBING", 200, 3],
    ]);
    expect(new Set(requests.slice(0, 3).map((r) => r.event.id)).size).toBe(1);

    const deliveries = await waitFor(async () => {
      const rows = await listWebhookDeliveries(database.db, row.id, { first: 10 });
      return rows.length === 2 && rows.every((d) => d.state === "delivered") ? rows : null;
    });
    const [log] = await getWebhookAttempts(database.db, [deliveries.at(-1)!.id]);
    expect(log!.map((a) => [a.statusCode, a.error])).toEqual([
      [500, null],
      [null, "no answer within 1 s"],
      [200, null],
    ]);
    expect(deliveries.every((d) => d.videoId === id && d.attempts === 3)).toBe(true);
  });

  it("loses nothing when the service is SIGKILLed mid-delivery: the delivery goes out again, later events follow in order", async () => {
    await endpoint("/crash");
    let killed = false;
    receiver.on("/crash", (_delivery, earlier) => {
      if (earlier > 0) return 200;
      if (!killed) {
        killed = true;
        service.child.kill("SIGKILL");
      }
      return "hang";
    });
    const id = await video();
    await waitFor(() => killed && (service.child.exitCode !== null || service.child.signalCode !== null), {
      message: "the service to be killed",
    });
    // Changes made while no webhook service runs wait in the stream.
    await advance(id, ["probing", "probed"]);
    service = await startService();

    await waitFor(() => receiver.accepted("/crash").length === 3, { timeoutMs: 40_000, message: "three events accepted at /crash" });
    expect(statuses(receiver.accepted("/crash"))).toEqual(["uploaded", "probing", "probed"]);
    const first = receiver.at("/crash").filter((r) => r.event.data.status === "UPLOADED");
    expect(first.map((r) => r.answer)).toEqual(["hung", 200]);
  });

  it("replays the events since a time with their original ids and bodies", async () => {
    const { row, secret } = await endpoint("/replay");
    const id = await video(["probing"]);
    await waitFor(() => receiver.accepted("/replay").length === 2, { timeoutMs: 20_000, message: "two events at /replay" });
    const firstBodies = receiver.at("/replay").map((r) => r.body);

    const since = (await getVideoHistory(database.db, id))[0]!.at;
    expect(await replayWebhookEvents(database.db, { endpoint: row, since, videoId: id })).toBe(2);
    relay.wake();
    await waitFor(() => receiver.at("/replay").length === 4, { timeoutMs: 20_000, message: "the two events again at /replay" });
    const again = receiver.at("/replay").slice(2);
    expect(again.map((r) => r.body)).toEqual(firstBodies);
    expect(again.map((r) => r.attempt)).toEqual([1, 1]);
    for (const r of again) expect(verifyWebhookSignature({ secret, body: r.body, header: r.signature })).toBe(true);
  });

  it("never writes a secret to its log", async () => {
    const log = await readFile(service.logFile, "utf8");
    expect(log).toMatch(/webhook delivered/);
    for (const secret of secrets) expect(log.includes(secret), "a secret in the log").toBe(false);
  });
});
