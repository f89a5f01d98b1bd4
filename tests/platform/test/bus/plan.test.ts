import type { NatsConnection } from "@nats-io/nats-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLAN_SUBJECT, type PlanReply, type PlanRequest } from "@aq/contracts";
import { captureLog, startNatsServer, type TestNatsServer } from "@aq/devkit";
import { closeBus, connectBus, requestPlan, servePlanRequests } from "@aq/platform/bus";

let server: TestNatsServer;
let nc: NatsConnection;

beforeAll(async () => {
  server = await startNatsServer();
  nc = await connectBus(server.url, captureLog().log);
});
afterAll(async () => {
  await closeBus(nc);
  await server.stop();
});

const request = (timeoutMs = 10_000): PlanRequest => ({ v: 1, source: { kind: "url", url: "https://example.com/a.mp4" }, timeoutMs });
const rejected: PlanReply = { v: 1, outcome: "rejected", error: { code: "SOURCE_NOT_MEDIA", message: "not a video" } };

/** A responder for one test, stopped (and its subscription gone) at the end of it. */
async function withResponder(
  answer: (request: PlanRequest, signal: AbortSignal) => Promise<PlanReply>,
  run: () => Promise<void>,
  concurrency = 2,
): Promise<void> {
  const stop = new AbortController();
  const responder = servePlanRequests(nc, { concurrency, log: captureLog().log, signal: stop.signal, answer });
  // The subscription reaches the server before the first request.
  await nc.flush();
  try {
    await run();
  } finally {
    stop.abort();
    await responder.stopped;
  }
}

describe("plan request/reply over core NATS", () => {
  it("fails with PLAN_UNAVAILABLE at once when no probe service subscribes", async () => {
    await expect(requestPlan(nc, request())).rejects.toMatchObject({
      code: "PLAN_UNAVAILABLE",
      message: "no probe service is running to make the plan",
    });
  });

  it("passes the request to the responder and its reply back", async () => {
    const seen: PlanRequest[] = [];
    await withResponder(
      async (received) => {
        seen.push(received);
        return rejected;
      },
      async () => {
        expect(await requestPlan(nc, request())).toEqual(rejected);
        expect(seen).toEqual([request()]);
      },
    );
  });

  it("answers a responder's unexpected failure as failed INTERNAL, without its details", async () => {
    await withResponder(
      async () => {
        throw new Error("s3 credentials rejected: key AKIA...");
      },
      async () => {
        expect(await requestPlan(nc, request())).toEqual({
          v: 1,
          outcome: "failed",
          error: { code: "INTERNAL", message: "the probe service failed to make the plan" },
        });
      },
    );
  });

  it("answers a malformed request as failed INVALID_EVENT", async () => {
    await withResponder(
      async () => rejected,
      async () => {
        const msg = await nc.request(PLAN_SUBJECT, JSON.stringify({ v: 2 }), { timeout: 10_000 });
        expect(msg.json()).toMatchObject({ outcome: "failed", error: { code: "INVALID_EVENT" } });
      },
    );
  });

  it("gives PLAN_UNAVAILABLE when the responder does not answer in time, and aborts the responder's work", async () => {
    let aborted: Promise<void> | undefined;
    await withResponder(
      (_received, signal) => {
        aborted = new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        return aborted.then(() => rejected);
      },
      async () => {
        await expect(requestPlan(nc, request(1000))).rejects.toMatchObject({
          code: "PLAN_UNAVAILABLE",
          message: "no probe service answered within 1 s",
        });
        await aborted;
      },
    );
  });
});
