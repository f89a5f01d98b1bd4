import { publishProgress, startOutboxRelay } from "@aq/platform/bus";
import { createLogger } from "@aq/platform/log";
import { transitionVideo } from "@aq/platform/db";
import { playableSubject, type VideoStatus } from "@aq/contracts";
import { waitFor } from "@aq/devkit";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startInfrastructure, startTestGateway, TEST_API_KEY, type Infrastructure, type TestGateway } from "./harness.js";

const SUBSCRIBE = `subscription Progress($id: ID!) {
  videoProgress(id: $id) { videoId status stage percent fps speed etaSeconds error { code message } playable at }
}`;

interface ProgressEvent {
  videoId: string;
  status: string;
  stage: string;
  percent: number;
  fps: number | null;
  error: { code: string; message: string } | null;
  playable: boolean;
}

interface Watch {
  events: ProgressEvent[];
  errors: unknown[];
  completed: Promise<void>;
  unsubscribe: () => void;
}

function watch(client: Client, id: string): Watch {
  const events: ProgressEvent[] = [];
  const errors: unknown[] = [];
  let unsubscribe = () => {};
  const completed = new Promise<void>((resolve) => {
    unsubscribe = client.subscribe<{ videoProgress: ProgressEvent }>(
      { query: SUBSCRIBE, variables: { id } },
      {
        next: (result) => {
          if (result.errors) errors.push(...result.errors);
          if (result.data) events.push(result.data.videoProgress);
        },
        error: (error) => {
          errors.push(error);
          resolve();
        },
        complete: resolve,
      },
    );
  });
  return { events, errors, completed, unsubscribe };
}

describe("videoProgress subscription over WebSocket", () => {
  let infra: Infrastructure;
  let gw: TestGateway;
  let client: Client;

  const wsUrl = () => `${gw.url.replace(/^http/, "ws")}/graphql`;

  async function createVideo(): Promise<string> {
    const result = await gw.graphql<{ createVideo: { video: { id: string } } }>(
      `mutation($input: CreateVideoInput!) { createVideo(input: $input) { video { id } } }`,
      { input: { upload: { filename: "a.mp4", contentType: "video/mp4", sizeBytes: 10 } } },
    );
    return result.data!.createVideo.video.id;
  }

  async function move(id: string, from: VideoStatus, to: VideoStatus, set: Parameters<typeof transitionVideo>[1]["set"] = {}) {
    expect(await transitionVideo(gw.db, { id, from, to, set })).not.toBeNull();
  }

  beforeAll(async () => {
    infra = await startInfrastructure();
    gw = await startTestGateway(infra);
    client = createClient({
      url: wsUrl(),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${TEST_API_KEY}` },
      retryAttempts: 0,
    });
  });

  afterAll(async () => {
    await client?.dispose();
    await gw?.stop();
    await infra?.stop();
  });

  it("sends the current state, then the statuses and progress published through the outbox and NATS, then completes", async () => {
    const id = await createVideo();
    const w = watch(client, id);
    await waitFor(() => w.events.length === 1, { message: "the current state" });
    expect(w.events[0]).toMatchObject({ videoId: id, status: "AWAITING_UPLOAD", stage: "upload", percent: 0 });

    await move(id, "awaiting_upload", "uploaded");
    await move(id, "uploaded", "probing");
    await move(id, "probing", "probed");
    await move(id, "probed", "encoding");
    await waitFor(() => w.events.some((e) => e.status === "ENCODING"), { message: "ENCODING through the outbox relay" });
    for (const percent of [25, 50, 75]) {
      publishProgress(gw.nc, {
        v: 1,
        videoId: id,
        status: "encoding",
        stage: "encode",
        percent,
        fps: 120,
        speed: 4,
        etaSeconds: 1,
        at: new Date().toISOString(),
      });
    }
    // Progress of a status the video has left is stale and must not be passed on.
    publishProgress(gw.nc, {
      v: 1,
      videoId: id,
      status: "probing",
      stage: "probe",
      percent: 99,
      fps: null,
      speed: null,
      etaSeconds: null,
      at: new Date().toISOString(),
    });
    await waitFor(() => w.events.some((e) => e.percent === 75), { message: "encoding progress" });
    await move(id, "encoding", "encoded");
    await move(id, "encoded", "uploading");
    await move(id, "uploading", "ready");
    await w.completed;

    expect(w.errors).toEqual([]);
    expect(w.events.map((e) => `${e.status}:${e.percent}`)).toEqual([
      "AWAITING_UPLOAD:0",
      "UPLOADED:0",
      "PROBING:0",
      "PROBED:0",
      "ENCODING:0",
      "ENCODING:25",
      "ENCODING:50",
      "ENCODING:75",
      "ENCODED:0",
      "UPLOADING:0",
      "READY:100",
    ]);
    expect(w.events.find((e) => e.percent === 50)).toMatchObject({ stage: "encode", fps: 120 });
  });

  it("passes on once that a chunked encode made the video playable before READY", async () => {
    const id = await createVideo();
    await move(id, "awaiting_upload", "encoding");
    const w = watch(client, id);
    await waitFor(() => w.events.length === 1, { message: "the current state" });
    expect(w.events[0]).toMatchObject({ status: "ENCODING", playable: false });
    const playable = { v: 1, videoId: id, playableSeconds: 12, at: new Date().toISOString() };
    gw.nc.publish(playableSubject(id), JSON.stringify(playable));
    gw.nc.publish(playableSubject(id), JSON.stringify(playable));
    await waitFor(() => w.events.length === 2, { message: "the playable event" });
    expect(w.events[1]).toMatchObject({ status: "ENCODING", stage: "encode", playable: true });
    await move(id, "encoding", "encoded");
    await waitFor(() => w.events.length === 3, { message: "ENCODED" });
    // Still playable on the way to READY; the repeated playable event was not passed on.
    expect(w.events[2]).toMatchObject({ status: "ENCODED", playable: true });
    w.unsubscribe();
  });

  it("gives a late subscriber the terminal state at once and completes", async () => {
    const id = await createVideo();
    await move(id, "awaiting_upload", "failed_encoding", { errorCode: "ENCODE_FAILED", errorMessage: "ffmpeg exited with 1" });
    const w = watch(client, id);
    await w.completed;
    expect(w.events).toEqual([
      expect.objectContaining({ status: "FAILED_ENCODING", error: { code: "ENCODE_FAILED", message: "ffmpeg exited with 1" } }),
    ]);
  });

  it("reports an unknown video as NOT_FOUND", async () => {
    const w = watch(client, "no-such-video");
    await w.completed;
    expect(w.events).toEqual([]);
    expect(w.errors).toEqual([
      expect.objectContaining({ message: "no video with id no-such-video", extensions: expect.objectContaining({ code: "NOT_FOUND" }) }),
    ]);
  });

  it("refuses a connection without the API key", async () => {
    const anonymous = createClient({ url: wsUrl(), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      const w = watch(anonymous, "any-video");
      await w.completed;
      expect(w.events).toEqual([]);
      expect(w.errors).toEqual([expect.objectContaining({ code: 4403 })]);
    } finally {
      await anonymous.dispose();
    }
  });

  it("ends the NATS subscriptions when the client unsubscribes", async () => {
    // nats-core has no public count of a connection's subscriptions; its protocol handler's is read instead.
    const subscriptions = (gw.nc as unknown as { protocol: { subscriptions: { size(): number } } }).protocol.subscriptions;
    const before = subscriptions.size();
    const id = await createVideo();
    const w = watch(client, id);
    await waitFor(() => w.events.length === 1, { message: "the current state" });
    // Status events, progress, and the playable event.
    expect(subscriptions.size()).toBe(before + 3);
    w.unsubscribe();
    await waitFor(() => subscriptions.size() === before, { message: "the NATS subscriptions to close" });
  });
});

describe("videoProgress ordering", () => {
  it("passes on progress that arrives before its status event, and never goes back when the status events follow", async () => {
    // No relay reads this database but the test's: it decides when status events go out.
    const own = await startInfrastructure();
    const quiet = await startTestGateway(own, {}, { relay: false });
    const quietClient = createClient({
      url: `${quiet.url.replace(/^http/, "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${TEST_API_KEY}` },
      retryAttempts: 0,
    });
    const relayAbort = new AbortController();
    try {
      const created = await quiet.graphql<{ createVideo: { video: { id: string } } }>(
        `mutation($input: CreateVideoInput!) { createVideo(input: $input) { video { id } } }`,
        { input: { upload: { filename: "a.mp4", contentType: "video/mp4", sizeBytes: 10 } } },
      );
      const id = created.data!.createVideo.video.id;
      const w = watch(quietClient, id);
      await waitFor(() => w.events.length === 1, { message: "the current state" });
      for (const [from, to] of [
        ["awaiting_upload", "uploaded"],
        ["uploaded", "probing"],
        ["probing", "probed"],
        ["probed", "encoding"],
      ] as const) {
        expect(await transitionVideo(quiet.db, { id, from, to })).not.toBeNull();
      }
      publishProgress(quiet.nc, {
        v: 1,
        videoId: id,
        status: "encoding",
        stage: "encode",
        percent: 10,
        fps: 30,
        speed: 1,
        etaSeconds: 5,
        at: new Date().toISOString(),
      });
      await waitFor(() => w.events.length === 2, { message: "progress ahead of the status events" });
      // Now the status events of the stages already passed arrive, late.
      const relay = startOutboxRelay(quiet.db, quiet.nc, {
        log: createLogger("relay-test", "silent"),
        signal: relayAbort.signal,
        intervalMs: 50,
      });
      expect(await transitionVideo(quiet.db, { id, from: "encoding", to: "encoded" })).not.toBeNull();
      relay.wake();
      await waitFor(() => w.events.some((e) => e.status === "ENCODED"), { message: "ENCODED" });
      expect(w.events.map((e) => `${e.status}:${e.percent}`)).toEqual(["AWAITING_UPLOAD:0", "ENCODING:10", "ENCODED:0"]);
      w.unsubscribe();
      relayAbort.abort();
      await relay.stopped;
    } finally {
      relayAbort.abort();
      await quietClient.dispose();
      await quiet.stop();
      await own.stop();
    }
  });
});
