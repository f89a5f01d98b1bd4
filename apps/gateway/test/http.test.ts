import { createClient, type FormattedExecutionResult } from "graphql-ws";
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";
import { startInfrastructure, startTestGateway, TEST_API_KEY, type Infrastructure, type TestGateway } from "./harness.js";

let infra: Infrastructure;
let gw: TestGateway;

beforeAll(async () => {
  infra = await startInfrastructure();
  gw = await startTestGateway(infra, {}, { relay: false, uploadSweepIntervalMs: false });
});

afterAll(async () => {
  await gw?.stop();
  await infra?.stop();
});

const post = (body: string, contentType = "application/json") =>
  fetch(`${gw.url}/graphql`, { method: "POST", headers: { "content-type": contentType, authorization: `Bearer ${TEST_API_KEY}` }, body });

it("refuses a body over GRAPHQL_MAX_BODY_BYTES with 413, and one that is not JSON with 400, as GraphQL errors", async () => {
  const large = await post(JSON.stringify({ query: `{ __typename }`, padding: "x".repeat(200_000) }));
  expect(large.status).toBe(413);
  expect(await large.json()).toEqual({
    errors: [{ message: "the request body is larger than the limit", extensions: { code: "PAYLOAD_TOO_LARGE" } }],
  });
  const broken = await post(`{"query": "{ __typename }"`);
  expect(broken.status).toBe(400);
  expect(await broken.json()).toEqual({ errors: [{ message: "the request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] });
});

it("answers /healthz and /readyz in the format of every AQ service's health port, and 404 elsewhere", async () => {
  const health = await fetch(`${gw.url}/healthz`);
  expect(health.headers.get("cache-control")).toBe("no-store");
  expect(await health.json()).toEqual({ status: "ok", service: "gateway" });
  expect(await (await fetch(`${gw.url}/readyz`)).json()).toEqual({ ready: true, service: "gateway" });
  expect((await fetch(`${gw.url}/nothing-here`)).status).toBe(404);
});

type WsResult = FormattedExecutionResult<Record<string, unknown>, unknown>;

/** A query sent over the gateway's WebSocket (graphql-ws), which does not go through Apollo. */
async function queryOverWebSocket(gateway: TestGateway, query: string): Promise<WsResult> {
  const client = createClient({
    url: `${gateway.url.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${TEST_API_KEY}` },
    retryAttempts: 0,
  });
  try {
    return await new Promise<WsResult>((resolve, reject) => {
      let result: WsResult | undefined;
      client.subscribe(
        { query },
        { next: (value) => (result = value), error: reject, complete: () => (result ? resolve(result) : reject(new Error("no result"))) },
      );
    });
  } finally {
    await client.dispose();
  }
}

it("stops resolving an operation's fields once it has run past the execution time limit, over HTTP and WebSocket", async () => {
  const hurried = await startTestGateway(infra, {}, { relay: false, uploadSweepIntervalMs: false, executionTimeLimitMs: 0 });
  const query = `{ videos(first: 5) { edges { node { id history { to } } } } }`;
  try {
    const timedOut = {
      message: "the operation ran for more than 0 s and was stopped; ask for fewer items or fields",
      extensions: { code: "OPERATION_TIMEOUT" },
    };
    expect((await hurried.graphql(query)).errors?.[0]).toMatchObject(timedOut);
    expect((await queryOverWebSocket(hurried, query)).errors?.[0]).toMatchObject(timedOut);
    // The normal limit leaves the same query alone.
    expect((await gw.graphql(query)).errors).toBeUndefined();
    expect((await queryOverWebSocket(gw, query)).errors).toBeUndefined();
  } finally {
    await hurried.stop();
  }
});
