import type { NatsConnection } from "@nats-io/nats-core";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PIPELINE_STREAM, statusSubject, type ProgressEvent } from "@aq/contracts";
import { insertVideo, outbox, transitionVideo } from "@aq/platform/db";
import { captureLog, type CapturedLog } from "@aq/devkit";
import { startNatsServer, type TestNatsServer } from "@aq/devkit";
import { createTestDatabase, type TestDatabase } from "@aq/devkit";
import { waitFor } from "@aq/devkit";
import { closeBus, connectBus } from "@aq/platform/bus";
import { outboxMessageId, startOutboxRelay } from "@aq/platform/bus";
import { ensurePipelineStream } from "@aq/platform/bus";
import { publishProgress, subscribeVideo, type VideoUpdate } from "@aq/platform/bus";

let server: TestNatsServer;
let nc: NatsConnection;
let captured: CapturedLog;

beforeEach(async () => {
  server = await startNatsServer();
  captured = captureLog();
  nc = await connectBus(server.url, captured.log);
  await ensurePipelineStream(nc);
});
afterEach(async () => {
  await closeBus(nc);
  await server.stop();
});

async function streamSubjects(): Promise<string[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(PIPELINE_STREAM);
  const subjects: string[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const message = await jsm.streams.getMessage(PIPELINE_STREAM, { seq });
    if (message) subjects.push(message.subject);
  }
  return subjects;
}

/** Published rows are deleted: every row left is pending. */
async function pendingRows(database: TestDatabase): Promise<number> {
  const rows = await database.db.select({ id: outbox.id }).from(outbox);
  return rows.length;
}

describe("startOutboxRelay", () => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  it("publishes committed status changes in order, once, and wakes on demand", async () => {
    const stop = new AbortController();
    const relay = startOutboxRelay(database.db, nc, { log: captured.log, signal: stop.signal, intervalMs: 60_000 });
    await insertVideo(database.db, { id: "r1", status: "uploaded", sourceKind: "file", sourceLocation: "/x" });
    await transitionVideo(database.db, { id: "r1", from: "uploaded", to: "probing" });
    // The poll interval is a minute: only wake() can make this prompt.
    relay.wake();
    await waitFor(async () => (await pendingRows(database)) === 0, { message: "outbox drained" });
    expect(await streamSubjects()).toEqual([statusSubject("r1", "uploaded"), statusSubject("r1", "probing")]);
    stop.abort();
    await relay.stopped;
  });

  it("gives the same message id to a row on every publish, and different ids across databases", async () => {
    const other = await createTestDatabase();
    try {
      await insertVideo(database.db, { id: "same", status: "uploaded", sourceKind: "file", sourceLocation: "/x" });
      await insertVideo(other.db, { id: "same", status: "uploaded", sourceKind: "file", sourceLocation: "/x" });
      const [a] = await database.db.select().from(outbox);
      const [b] = await other.db.select().from(outbox);
      expect(a!.id).toBe(b!.id);
      const [reread] = await database.db.select().from(outbox);
      expect(outboxMessageId(reread!)).toBe(outboxMessageId(a!));
      expect(outboxMessageId(a!)).not.toBe(outboxMessageId(b!));
      // A row published twice (crash between publish and marking) is stored once.
      const js = jetstream(nc);
      const first = await js.publish(a!.subject, JSON.stringify(a!.payload), { msgID: outboxMessageId(a!) });
      const again = await js.publish(a!.subject, JSON.stringify(a!.payload), { msgID: outboxMessageId(a!) });
      expect(again.duplicate).toBe(true);
      expect(again.seq).toBe(first.seq);
    } finally {
      await other.drop();
    }
  });

  it("survives database and NATS outages and publishes what waited", async () => {
    const stop = new AbortController();
    const relay = startOutboxRelay(database.db, nc, { log: captured.log, signal: stop.signal, intervalMs: 50 });

    await database.db.execute(sql`alter table outbox rename to outbox_away`);
    await waitFor(() => captured.find("outbox relay failed").length > 0, { message: "a database failure logged" });
    await database.db.execute(sql`alter table outbox_away rename to outbox`);
    await insertVideo(database.db, { id: "db-back", status: "uploaded", sourceKind: "file", sourceLocation: "/x" });
    await waitFor(async () => (await pendingRows(database)) === 0, {
      timeoutMs: 20_000,
      message: "published after the database came back",
    });

    const failuresBefore = captured.find("outbox relay failed").length;
    await server.restart(async () => {
      await insertVideo(database.db, { id: "nats-back", status: "uploaded", sourceKind: "file", sourceLocation: "/x" });
      await waitFor(() => captured.find("outbox relay failed").length > failuresBefore, {
        timeoutMs: 20_000,
        message: "a NATS failure logged",
      });
    });
    await waitFor(async () => (await pendingRows(database)) === 0, { timeoutMs: 30_000, message: "published after NATS came back" });
    expect(await streamSubjects()).toEqual([statusSubject("db-back", "uploaded"), statusSubject("nats-back", "uploaded")]);
    expect(captured.find("outbox relay recovered").length).toBeGreaterThanOrEqual(2);
    stop.abort();
    await relay.stopped;
  });
});

describe("publishProgress and subscribeVideo", () => {
  const progress = (videoId: string, percent: number): ProgressEvent => ({
    v: 1,
    videoId,
    status: "encoding",
    stage: "encode",
    percent,
    fps: 30,
    speed: 1.5,
    etaSeconds: 10,
    at: new Date().toISOString(),
  });

  it("delivers one video's status events (also JetStream-published) and progress, and ends on unsubscribe", async () => {
    const subscription = subscribeVideo(nc, "v1");
    const received: VideoUpdate[] = [];
    const reading = (async () => {
      for await (const update of subscription) received.push(update);
    })();
    await nc.flush();
    const js = jetstream(nc);
    const status = { v: 1, videoId: "v1", status: "probed", from: "probing", attempt: 0, at: new Date().toISOString(), error: null };
    await js.publish(statusSubject("v1", "probed"), JSON.stringify(status));
    await js.publish(statusSubject("v2", "probed"), JSON.stringify({ ...status, videoId: "v2" }));
    nc.publish("aq.progress.v1", "garbage");
    publishProgress(nc, progress("v1", 42.5));
    publishProgress(nc, progress("v2", 10));
    await waitFor(() => received.length === 2, { message: "two updates" });
    expect(received).toEqual([
      { kind: "status", event: status },
      { kind: "progress", event: expect.objectContaining({ videoId: "v1", percent: 42.5, fps: 30 }) },
    ]);
    subscription.unsubscribe();
    await reading;
    publishProgress(nc, progress("v1", 50));
    await nc.flush();
    expect(received).toHaveLength(2);
  });

  it("ends iteration on break and when the connection closes, and refuses invalid ids", async () => {
    const first = subscribeVideo(nc, "v3");
    publishProgress(nc, progress("v3", 1));
    const kinds: string[] = [];
    for await (const update of first) {
      kinds.push(update.kind);
      break;
    }
    expect(kinds).toEqual(["progress"]);

    const second = subscribeVideo(nc, "v4");
    const ended = (async () => {
      let n = 0;
      for await (const _ of second) n++;
      return n;
    })();
    await closeBus(nc);
    expect(await ended).toBe(0);

    expect(() => subscribeVideo(nc, "a.b")).toThrow(expect.objectContaining({ code: "INVALID_VIDEO_ID" }));
    expect(() => subscribeVideo(nc, "*")).toThrow(/not a valid video id/);
  });
});
