import { closeBus, connectBus, ensurePipelineStream, type NatsConnection } from "@aq/platform/bus";
import { transitionVideo } from "@aq/platform/db";
import { createLogger } from "@aq/platform/log";
import { startTcpProxy, waitFor, type TcpProxy } from "@aq/devkit";
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";
import { loadGatewayConfig } from "../src/config.js";
import { createGateway, type Gateway } from "../src/gateway.js";
import { startInfrastructure, TEST_API_KEY, TEST_SIGNING_KEYS, type Infrastructure } from "./harness.js";

let infra: Infrastructure;
let proxy: TcpProxy;
let nc: NatsConnection;
let gateway: Gateway;
let client: Client;

beforeAll(async () => {
  infra = await startInfrastructure();
  const natsUrl = new URL(infra.nats.url.replace(/^nats:/, "http:"));
  // The gateway reaches NATS through a proxy the test can cut; nothing else is disturbed.
  proxy = await startTcpProxy(natsUrl.hostname, Number(natsUrl.port));
  const log = createLogger("gateway-test", "silent");
  const config = loadGatewayConfig({ ...infra.env, API_KEYS: TEST_API_KEY, PLAYBACK_SIGNING_KEYS: TEST_SIGNING_KEYS, LOG_LEVEL: "silent" });
  nc = await connectBus(`nats://127.0.0.1:${proxy.port}`, log);
  await ensurePipelineStream(nc);
  // No relay: the status change below is committed, and its announcement is lost, as one
  // published while the gateway was disconnected would be.
  gateway = await createGateway(
    { config, db: infra.database.db, nc, storage: infra.s3.storage, log },
    { relay: false, uploadSweepIntervalMs: false },
  );
  const url = await gateway.listen(0, "127.0.0.1");
  client = createClient({
    url: `${url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${TEST_API_KEY}` },
    retryAttempts: 0,
  });
});

afterAll(async () => {
  await client?.dispose();
  await gateway?.close();
  if (nc) await closeBus(nc);
  await proxy?.stop();
  await infra?.stop();
});

it("a subscriber gets a terminal status that was announced while the gateway was cut from NATS, and completes", async () => {
  const created = await fetch(`${gateway.url()}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${TEST_API_KEY}` },
    body: JSON.stringify({
      query: `mutation { createVideo(input: { sourceUrl: "s3://${infra.s3.storage.bucket}/gap.mp4" }) { video { id } } }`,
    }),
  });
  const id = ((await created.json()) as { data: { createVideo: { video: { id: string } } } }).data.createVideo.video.id;

  const statuses: string[] = [];
  let completed = false;
  client.subscribe<{ videoProgress: { status: string } }>(
    { query: `subscription($id: ID!) { videoProgress(id: $id) { status } }`, variables: { id } },
    {
      next: (result) => result.data && statuses.push(result.data.videoProgress.status),
      error: () => {},
      complete: () => (completed = true),
    },
  );
  await waitFor(() => statuses.length === 1, { message: "the current state" });

  proxy.cut();
  await waitFor(() => nc.isClosed() || (nc as unknown as { protocol: { connected: boolean } }).protocol.connected === false, {
    message: "the gateway to notice",
  });
  for (const [from, to] of [
    ["uploaded", "probing"],
    ["probing", "rejected"],
  ] as const) {
    expect(
      await transitionVideo(infra.database.db, {
        id,
        from,
        to,
        set: to === "rejected" ? { errorCode: "SOURCE_NOT_MEDIA", errorMessage: "not a video" } : {},
      }),
    ).not.toBeNull();
  }
  proxy.restore();

  await waitFor(() => completed, { timeoutMs: 20_000, message: "the subscription to complete after the reconnect" });
  expect(statuses).toEqual(["UPLOADED", "REJECTED"]);
});
