import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertWebhookUrlAllowed, sendWebhook } from "../../src/webhooks/index.js";

let server: Server;
let base: string;
const received: Array<{ path: string; body: string; headers: IncomingMessage["headers"] }> = [];
let respond: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(204).end();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body, headers: req.headers });
      respond(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const request = (path: string, allowPrivate: boolean, timeoutMs = 2000) =>
  sendWebhook({
    url: `${base}${path}`,
    body: '{"a":1}',
    headers: { "content-type": "application/json" },
    timeoutMs,
    policy: { allowPrivate },
  });

describe("sendWebhook", () => {
  it("refuses a loopback endpoint before connecting when private addresses are not allowed", async () => {
    const before = received.length;
    const outcome = await request("/refused", false);
    expect(outcome.statusCode).toBeNull();
    expect(outcome.error).toMatch(/^WEBHOOK_URL_REFUSED: /);
    expect(received.length).toBe(before);
  });

  it("POSTs the body with its headers and reports the status code", async () => {
    respond = (_req, res) => res.writeHead(500).end("boom");
    const outcome = await request("/ok", true);
    expect(outcome).toMatchObject({ statusCode: 500, error: null });
    const last = received.at(-1)!;
    expect(last).toMatchObject({ path: "/ok", body: '{"a":1}' });
    expect(last.headers["content-type"]).toBe("application/json");
    expect(last.headers["content-length"]).toBe("7");
  });

  it("gives up on an endpoint that does not answer within the timeout", async () => {
    respond = () => {};
    const outcome = await request("/slow", true, 300);
    expect(outcome.statusCode).toBeNull();
    expect(outcome.error).toBe("no answer within 0.3 s");
    expect(outcome.durationMs).toBeGreaterThanOrEqual(290);
  });

  it("reports a connection error as the error", async () => {
    const outcome = await sendWebhook({
      url: "http://127.0.0.1:1/x",
      body: "{}",
      headers: {},
      timeoutMs: 2000,
      policy: { allowPrivate: true },
    });
    expect(outcome.statusCode).toBeNull();
    expect(outcome.error).toMatch(/ECONNREFUSED/);
  });
});

describe("assertWebhookUrlAllowed", () => {
  it("takes public http(s) URLs and refuses other schemes, credentials and private addresses with WEBHOOK_URL_REFUSED", async () => {
    await expect(assertWebhookUrlAllowed("https://1.1.1.1/hooks", {})).resolves.toBeInstanceOf(URL);
    for (const url of [
      "ftp://1.1.1.1/x",
      "https://user:pw@1.1.1.1/x",
      "not a url",
      "http://10.0.0.8/x",
      "http://[::1]/x",
      "http://169.254.169.254/",
    ]) {
      await expect(assertWebhookUrlAllowed(url, {}), url).rejects.toMatchObject({ code: "WEBHOOK_URL_REFUSED" });
    }
    await expect(assertWebhookUrlAllowed("http://10.0.0.8/x", { allowPrivate: true })).resolves.toBeInstanceOf(URL);
  });
});
