import type { NatsConnection } from "@nats-io/nats-core";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PIPELINE_STREAM, statusSubject, type StatusEvent, type VideoStatus } from "@aq/contracts";
import { sleep } from "@aq/platform/service";
import { captureLog, type CapturedLog } from "@aq/devkit";
import { startNatsServer, type TestNatsServer } from "@aq/devkit";
import { waitFor } from "@aq/devkit";
import { closeBus, connectBus } from "@aq/platform/bus";
import { consumeWork, type WorkContext } from "@aq/platform/bus";
import { ensurePipelineStream, ensureWorkConsumer, PIPELINE_DUPLICATE_WINDOW_MS } from "@aq/platform/bus";

let server: TestNatsServer;
let nc: NatsConnection;
let captured: CapturedLog;
const stops: AbortController[] = [];

beforeEach(async () => {
  server = await startNatsServer();
  captured = captureLog();
  nc = await connectBus(server.url, captured.log);
});
afterEach(async () => {
  for (const controller of stops.splice(0)) controller.abort();
  await closeBus(nc);
  await server.stop();
});

function statusEvent(videoId: string, status: VideoStatus): StatusEvent {
  return { v: 1, videoId, status, from: null, attempt: 0, at: new Date().toISOString(), error: null };
}

async function publishStatus(videoId: string, status: VideoStatus, conn = nc): Promise<void> {
  await jetstream(conn).publish(statusSubject(videoId, status), JSON.stringify(statusEvent(videoId, status)));
}

function stopper(): AbortController {
  const controller = new AbortController();
  stops.push(controller);
  return controller;
}

async function consumerState(durable: string) {
  const info = await (await jetstreamManager(nc)).consumers.info(PIPELINE_STREAM, durable);
  return { pending: info.num_pending, ackPending: info.num_ack_pending, redelivered: info.num_redelivered };
}

describe("stream and consumers", () => {
  it("creates the stream and a durable consumer, and updates changed settings", async () => {
    await ensurePipelineStream(nc);
    await ensurePipelineStream(nc);
    const jsm = await jetstreamManager(nc);
    const stream = await jsm.streams.info(PIPELINE_STREAM);
    expect(stream.config.storage).toBe("file");
    expect(stream.config.retention).toBe("limits");
    expect(stream.config.duplicate_window).toBe(PIPELINE_DUPLICATE_WINDOW_MS * 1_000_000);
    expect(stream.config.duplicate_window).toBeGreaterThanOrEqual(120 * 1e9);
    expect(stream.config.max_age).toBeGreaterThan(0);

    const created = await ensureWorkConsumer(nc, "encoder", { ackWaitSeconds: 30, maxDeliver: 5 });
    expect(created.config).toMatchObject({
      durable_name: "encoder",
      ack_policy: "explicit",
      filter_subject: "aq.video.*.probed",
      max_deliver: 5,
    });
    const updated = await ensureWorkConsumer(nc, "encoder", { ackWaitSeconds: 10, maxDeliver: 3 });
    expect(updated.config.ack_wait).toBe(10 * 1e9);
    expect(updated.config.max_deliver).toBe(3);
  });
});

describe("consumeWork", () => {
  it("handles valid events with bounded concurrency and acks them", async () => {
    await ensurePipelineStream(nc);
    const stop = stopper();
    let running = 0;
    let maxRunning = 0;
    const handled: string[] = [];
    const release: (() => void)[] = [];
    const done = consumeWork(nc, "probe", {
      concurrency: 2,
      log: captured.log,
      signal: stop.signal,
      ackWaitSeconds: 30,
      maxDeliver: 3,
      handler: async (event) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise<void>((resolve) => release.push(resolve));
        handled.push(event.videoId);
        running--;
      },
    });
    for (const id of ["v1", "v2", "v3", "v4"]) await publishStatus(id, "uploaded");
    // Only uploaded events reach the probe consumer.
    await publishStatus("v5", "probed");

    await waitFor(() => release.length === 2, { message: "two handlers running" });
    expect(running).toBe(2);
    while (handled.length < 4) {
      await waitFor(() => release.length > 0, { message: "a handler waiting to be released" });
      release.shift()!();
      await waitFor(() => running < 2 || release.length > 0, { message: "handler progress" });
    }
    expect(maxRunning).toBe(2);
    expect(handled.sort()).toEqual(["v1", "v2", "v3", "v4"]);
    await waitFor(async () => (await consumerState("probe")).ackPending === 0, { message: "all acked" });
    expect(await consumerState("probe")).toEqual({ pending: 0, ackPending: 0, redelivered: 0 });
    stop.abort();
    await done;
  });

  it("terminates malformed messages and goes on with the next", async () => {
    await ensurePipelineStream(nc);
    const stop = stopper();
    const handled: string[] = [];
    const done = consumeWork(nc, "encoder", {
      concurrency: 1,
      log: captured.log,
      signal: stop.signal,
      ackWaitSeconds: 30,
      maxDeliver: 3,
      handler: async (event) => {
        handled.push(event.videoId);
      },
    });
    const js = jetstream(nc);
    await js.publish("aq.video.bad1.probed", "not json");
    await js.publish("aq.video.bad2.probed", JSON.stringify({ v: 2, videoId: "bad2" }));
    await publishStatus("good", "probed");
    await waitFor(() => handled.includes("good"), { message: "the valid event" });
    expect(handled).toEqual(["good"]);
    expect(captured.find("malformed work message terminated")).toHaveLength(2);
    await waitFor(async () => (await consumerState("encoder")).ackPending === 0, { message: "nothing pending" });
    expect((await consumerState("encoder")).redelivered).toBe(0);
    stop.abort();
    await done;
  });

  it("redelivers after a failure with backoff and tells the handler about the last attempt", async () => {
    await ensurePipelineStream(nc);
    const stop = stopper();
    const calls: { videoId: string; context: Omit<WorkContext, "signal" | "log"> }[] = [];
    const done = consumeWork(nc, "uploader", {
      concurrency: 1,
      log: captured.log,
      signal: stop.signal,
      ackWaitSeconds: 30,
      maxDeliver: 3,
      retryBaseMs: 20,
      retryMaxMs: 50,
      handler: async (event, { lastAttempt, deliveryCount }) => {
        calls.push({ videoId: event.videoId, context: { lastAttempt, deliveryCount } });
        // "flaky" succeeds on its second delivery; "broken" never does.
        if (event.videoId === "broken" || deliveryCount < 2) throw new Error(`boom ${deliveryCount}`);
      },
    });
    await publishStatus("flaky", "encoded");
    await publishStatus("broken", "encoded");
    await waitFor(
      () =>
        calls.filter((c) => c.videoId === "broken").length === 3 &&
        calls.some((c) => c.videoId === "flaky" && c.context.deliveryCount === 2),
      {
        message: "all deliveries",
      },
    );
    expect(calls.filter((c) => c.videoId === "flaky").map((c) => c.context)).toEqual([
      { lastAttempt: false, deliveryCount: 1 },
      { lastAttempt: false, deliveryCount: 2 },
    ]);
    expect(calls.filter((c) => c.videoId === "broken").map((c) => c.context)).toEqual([
      { lastAttempt: false, deliveryCount: 1 },
      { lastAttempt: false, deliveryCount: 2 },
      { lastAttempt: true, deliveryCount: 3 },
    ]);
    await waitFor(async () => (await consumerState("uploader")).ackPending === 0, { message: "terminated and acked" });
    expect(captured.find("handler failed on the last delivery")).toHaveLength(1);
    stop.abort();
    await done;
    expect(calls).toHaveLength(5);
  });

  it("keeps a long job with in-progress heartbeats past the ack wait", async () => {
    await ensurePipelineStream(nc);
    const stop = stopper();
    let calls = 0;
    const done = consumeWork(nc, "encoder", {
      concurrency: 2,
      log: captured.log,
      signal: stop.signal,
      ackWaitSeconds: 1,
      maxDeliver: 5,
      handler: async () => {
        calls++;
        // The work itself: three ack-wait periods. Without heartbeats JetStream would hand
        // the message to the second slot after one.
        await sleep(3000);
      },
    });
    await publishStatus("long", "probed");
    await waitFor(async () => calls === 1 && (await consumerState("encoder")).ackPending === 0, {
      timeoutMs: 15_000,
      message: "the long job acked",
    });
    expect(calls).toBe(1);
    expect((await consumerState("encoder")).redelivered).toBe(0);
    stop.abort();
    await done;
  });

  it("on abort lets quick work finish and hands slow work back to another instance", async () => {
    await ensurePipelineStream(nc);
    const first = stopper();
    const started: string[] = [];
    let slowSignal: AbortSignal | undefined;
    let finishQuick: (() => void) | undefined;
    const firstDone = consumeWork(nc, "encoder", {
      concurrency: 2,
      log: captured.log,
      signal: first.signal,
      ackWaitSeconds: 30,
      maxDeliver: 5,
      drainTimeoutMs: 500,
      handler: async (event, { signal }) => {
        started.push(event.videoId);
        if (event.videoId === "quick") return new Promise<void>((resolve) => (finishQuick = resolve));
        slowSignal = signal;
        await new Promise<void>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
      },
    });
    await publishStatus("quick", "probed");
    await publishStatus("slow", "probed");
    await waitFor(() => started.length === 2 && finishQuick, { message: "both jobs running" });
    first.abort();
    finishQuick!();
    await firstDone;
    expect(slowSignal?.aborted).toBe(true);

    const second = stopper();
    const taken: { videoId: string; deliveryCount: number }[] = [];
    const secondDone = consumeWork(nc, "encoder", {
      concurrency: 1,
      log: captured.log,
      signal: second.signal,
      ackWaitSeconds: 30,
      maxDeliver: 5,
      handler: async (event, { deliveryCount }) => {
        taken.push({ videoId: event.videoId, deliveryCount });
      },
    });
    await waitFor(() => taken.length === 1, { message: "the slow job taken over" });
    expect(taken).toEqual([{ videoId: "slow", deliveryCount: 2 }]);
    await waitFor(async () => (await consumerState("encoder")).ackPending === 0, { message: "all acked" });
    second.abort();
    await secondDone;
    expect(taken).toHaveLength(1);
  });

  it("resumes after the NATS server restarts", async () => {
    const stop = stopper();
    const handled: string[] = [];
    const done = consumeWork(nc, "probe", {
      concurrency: 2,
      log: captured.log,
      signal: stop.signal,
      ackWaitSeconds: 30,
      maxDeliver: 3,
      pullExpiresMs: 2000,
      handler: async (event) => {
        handled.push(event.videoId);
      },
    });
    await waitFor(() => captured.find("work consumer ready").length === 1, { message: "the consumer started" });
    await publishStatus("before", "uploaded");
    await waitFor(() => handled.includes("before"), { message: "the event before the restart" });
    // Its ack must have reached the server, or the restart redelivers it (at-least-once).
    await waitFor(async () => (await consumerState("probe")).ackPending === 0, { message: "the ack of the event before the restart" });

    await server.restart();
    await waitFor(() => captured.find("NATS reconnected").length > 0, { timeoutMs: 20_000, message: "the client reconnected" });
    await publishStatus("after", "uploaded");
    await waitFor(() => handled.includes("after"), { timeoutMs: 30_000, message: "the event after the restart" });
    expect(handled).toEqual(["before", "after"]);
    expect(captured.find("NATS disconnected").length).toBeGreaterThan(0);
    stop.abort();
    await done;
  });
});

describe("connectBus", () => {
  it("closes without the server after the timeout", async () => {
    const other = await connectBus(server.url, captured.log);
    await server.restart(async () => {
      await waitFor(() => captured.find("NATS disconnected").length > 0, { message: "the client noticed" });
      await closeBus(other, 200);
      expect(other.isClosed()).toBe(true);
    });
  });

  it("closes cleanly twice", async () => {
    const other = await connectBus(server.url, captured.log);
    await closeBus(other);
    await closeBus(other);
    expect(other.isClosed()).toBe(true);
  });
});
