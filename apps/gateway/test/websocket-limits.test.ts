import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { freePort, killOnExit, stopChild, waitFor } from "@aq/devkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  startInfrastructure,
  startTestGateway,
  TEST_API_KEY,
  TEST_SIGNING_KEYS,
  type Infrastructure,
  type TestGateway,
} from "./harness.js";

const PROTOCOL = "graphql-transport-ws";
const MiB = 1024 * 1024;

interface Closed {
  code: number;
  reason: string;
}

/** Opens a graphql-ws socket; resolves once open, or rejects with the HTTP status of a refused upgrade. */
function open(url: string, headers: Record<string, string> = {}, localAddress?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, PROTOCOL, { headers, ...(localAddress ? { localAddress } : {}) });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) =>
      reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })),
    );
    ws.once("error", reject);
  });
}

function closed(ws: WebSocket): Promise<Closed> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve({ code: -1, reason: "already closed" });
    ws.once("close", (code, reason) => resolve({ code, reason: String(reason) }));
    // The server may cut the connection while a large message is still being written.
    ws.on("error", () => {});
  });
}

function nextMessage(ws: WebSocket): Promise<{ type: string; id?: string; payload?: unknown }> {
  return new Promise((resolve) => ws.once("message", (data) => resolve(JSON.parse(String(data)))));
}

async function accepted(url: string): Promise<WebSocket> {
  const ws = await open(url);
  ws.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${TEST_API_KEY}` } }));
  expect(await nextMessage(ws)).toMatchObject({ type: "connection_ack" });
  return ws;
}

function refusedStatus(attempt: Promise<WebSocket>): Promise<number | undefined> {
  return attempt.then(
    (ws) => {
      ws.close();
      return undefined;
    },
    (error: { status?: number }) => error.status,
  );
}

/** Peak resident memory of a process so far (VmHWM), in bytes. */
async function peakRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1]) * 1024;
}

describe("WebSocket limits", () => {
  let infra: Infrastructure;

  beforeAll(async () => {
    infra = await startInfrastructure();
  });

  afterAll(async () => {
    await infra?.stop();
  });

  describe("a gateway process", () => {
    let gateway: ChildProcess;
    let wsUrl: string;

    beforeAll(async () => {
      const [port, healthPort] = [await freePort(), await freePort()];
      gateway = spawn(process.execPath, ["--conditions=source", "--import", "tsx", "src/main.ts"], {
        cwd: fileURLToPath(new URL("..", import.meta.url)),
        env: {
          ...process.env,
          ...infra.env,
          GATEWAY_PORT: String(port),
          HEALTH_PORT: String(healthPort),
          API_KEYS: TEST_API_KEY,
          PLAYBACK_SIGNING_KEYS: TEST_SIGNING_KEYS,
          LOG_LEVEL: "error",
        },
        stdio: "ignore",
      });
      killOnExit(gateway);
      await waitFor(async () => (await fetch(`http://127.0.0.1:${healthPort}/readyz`)).ok, {
        timeoutMs: 60_000,
        message: "the gateway process to be ready",
      });
      wsUrl = `ws://127.0.0.1:${port}/graphql`;
    });

    afterAll(async () => {
      if (gateway) await stopChild(gateway);
    });

    it("closes five 60 MiB connection_init messages without a key at their frame header, its memory bounded", async () => {
      const pid = gateway.pid!;
      const before = await peakRss(pid);
      const payload = Buffer.from(JSON.stringify({ type: "connection_init", payload: { junk: "x".repeat(60 * MiB) } }));
      // Opened one after the other: masking 60 MiB takes this process about a second, and a
      // socket opened long before its message would meet the 3 s connection_init timeout instead.
      const closes: Array<Promise<Closed>> = [];
      for (let i = 0; i < 5; i++) {
        const ws = await open(wsUrl);
        closes.push(closed(ws));
        ws.send(payload, { binary: false });
      }
      const results = await Promise.all(closes);
      const after = await peakRss(pid);
      console.info(
        `gateway peak RSS ${(before / MiB).toFixed(0)} MB before, ${(after / MiB).toFixed(0)} MB after 5 x 60 MiB (the unlimited gateway reached 1.2 GB)`,
      );
      // 1009: "message too big", sent as soon as the frame header announced the length.
      expect(results.map((result) => result.code)).toEqual([1009, 1009, 1009, 1009, 1009]);
      expect(after - before).toBeLessThan(100 * MiB);
      // It still serves.
      const ws = await accepted(wsUrl);
      ws.close();
    });
  });

  describe("caps", () => {
    let gw: TestGateway;
    let wsUrl: string;

    beforeAll(async () => {
      gw = await startTestGateway(
        infra,
        {},
        {
          relay: false,
          webSocketLimits: {
            maxSocketsPerAddress: 4,
            maxUnauthenticated: 2,
            maxOperationsPerKey: 2,
            pingIntervalMs: 100,
            idleTimeoutMs: 300,
          },
        },
      );
      wsUrl = `${gw.url.replace(/^http/, "ws")}/graphql`;
    });

    afterAll(async () => {
      await gw?.stop();
    });

    it("refuses a wrong Authorization header at the upgrade, before reading any message", async () => {
      expect(await refusedStatus(open(wsUrl, { authorization: "Bearer wrong-key" }))).toBe(401);
      const ws = await open(wsUrl, { authorization: `Bearer ${TEST_API_KEY}` });
      ws.send(JSON.stringify({ type: "connection_init" }));
      expect(await nextMessage(ws)).toMatchObject({ type: "connection_ack" });
      ws.close();
    });

    it("refuses a message larger than the HTTP body limit", async () => {
      const ws = await open(wsUrl);
      const done = closed(ws);
      ws.send(JSON.stringify({ type: "connection_init", payload: { junk: "x".repeat(200_000) } }));
      expect((await done).code).toBe(1009);
    });

    it("caps sockets not yet accepted, and frees the place once one is accepted", async () => {
      const first = await open(wsUrl);
      const second = await open(wsUrl);
      expect(await refusedStatus(open(wsUrl))).toBe(503);
      first.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${TEST_API_KEY}` } }));
      expect(await nextMessage(first)).toMatchObject({ type: "connection_ack" });
      const third = await open(wsUrl);
      for (const ws of [first, second, third]) ws.close();
      await Promise.all([first, second, third].map(closed));
    });

    it("caps sockets per client address", async () => {
      const sockets = await Promise.all(Array.from({ length: 4 }, () => accepted(wsUrl)));
      expect(await refusedStatus(open(wsUrl))).toBe(429);
      for (const ws of sockets) ws.close();
      await Promise.all(sockets.map(closed));
    });

    it("caps operations open at once per API key, over all its sockets", async () => {
      const created = await gw.graphql<{ createVideo: { video: { id: string } } }>(
        `mutation($input: CreateVideoInput!) { createVideo(input: $input) { video { id } } }`,
        { input: { upload: { filename: "a.mp4", contentType: "video/mp4", sizeBytes: 10 } } },
      );
      const id = created.data!.createVideo.video.id;
      const [a, b] = await Promise.all([accepted(wsUrl), accepted(wsUrl)]);
      const subscribe = (ws: WebSocket, n: string) =>
        ws.send(
          JSON.stringify({
            id: n,
            type: "subscribe",
            payload: { query: `subscription($id: ID!) { videoProgress(id: $id) { status } }`, variables: { id } },
          }),
        );
      subscribe(a, "1");
      expect(await nextMessage(a)).toMatchObject({ id: "1", type: "next" });
      subscribe(b, "2");
      expect(await nextMessage(b)).toMatchObject({ id: "2", type: "next" });
      subscribe(b, "3");
      expect(await nextMessage(b)).toMatchObject({
        id: "3",
        type: "error",
        payload: [{ message: "this API key already has 2 operations open, the most allowed at once; end one first" }],
      });
      for (const ws of [a, b]) ws.close();
      await Promise.all([a, b].map(closed));
    });

    it("pings, and closes an accepted socket that has had no operation for the idle timeout", async () => {
      const ws = await accepted(wsUrl);
      const pinged = new Promise<void>((resolve) => ws.once("ping", () => resolve()));
      const done = closed(ws);
      await pinged;
      expect(await done).toEqual({ code: 1000, reason: "idle" });
    });
  });

  describe("total cap", () => {
    let gw: TestGateway;
    let wsUrl: string;

    beforeAll(async () => {
      gw = await startTestGateway(
        infra,
        {},
        { relay: false, webSocketLimits: { maxSockets: 3, maxSocketsPerAddress: 2, maxUnauthenticated: 10 } },
      );
      wsUrl = `${gw.url.replace(/^http/, "ws")}/graphql`;
    });

    afterAll(async () => {
      await gw?.stop();
    });

    it("caps open sockets in all, whichever addresses they come from, and frees the place once one closes", async () => {
      // Other loopback addresses, so that the per-address cap (2) is not what refuses.
      const sockets = [await accepted(wsUrl), await accepted(wsUrl), await open(wsUrl, {}, "127.0.0.2")];
      expect(await refusedStatus(open(wsUrl, {}, "127.0.0.3"))).toBe(503);
      const first = sockets.shift()!;
      first.close();
      await closed(first);
      await waitFor(async () => (await refusedStatus(open(wsUrl, {}, "127.0.0.3"))) === undefined, {
        timeoutMs: 5_000,
        message: "the closed socket's place to be free",
      });
      for (const ws of sockets) ws.close();
      await Promise.all(sockets.map(closed));
    });
  });
});
