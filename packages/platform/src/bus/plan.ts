import { RequestError, TimeoutError, type Msg, type NatsConnection } from "@nats-io/nats-core";
import {
  AqError,
  PLAN_QUEUE_GROUP,
  PLAN_SUBJECT,
  planReplySchema,
  planRequestSchema,
  type PlanReply,
  type PlanRequest,
} from "@aq/contracts";
import type { Logger } from "../log/index.js";

/**
 * Asks a probe service for a dry-run plan and waits up to the request's timeoutMs. No probe
 * service subscribed, none answering in time, or an answer that is not a reply of this version:
 * PLAN_UNAVAILABLE, a typed error the client may retry.
 */
export async function requestPlan(nc: NatsConnection, request: PlanRequest): Promise<PlanReply> {
  let msg: Msg;
  try {
    // The asker waits a little longer than the responder works, so a late verdict still arrives.
    msg = await nc.request(PLAN_SUBJECT, JSON.stringify(request), { timeout: request.timeoutMs + REPLY_MARGIN_MS });
  } catch (error) {
    if (error instanceof RequestError && error.isNoResponders())
      throw new AqError("PLAN_UNAVAILABLE", "no probe service is running to make the plan");
    if (error instanceof TimeoutError || (error instanceof RequestError && error.cause instanceof TimeoutError))
      throw new AqError("PLAN_UNAVAILABLE", `no probe service answered within ${Math.round(request.timeoutMs / 1000)} s`);
    throw new AqError("PLAN_UNAVAILABLE", `the plan request failed: ${(error as Error).message}`);
  }
  const reply = planReplySchema.safeParse(safeJson(msg));
  if (!reply.success) throw new AqError("PLAN_UNAVAILABLE", "the probe service answered with a reply this gateway does not read");
  return reply.data;
}

/** What the responder adds to a request's timeout before the asker gives up on it. */
const REPLY_MARGIN_MS = 2000;

export interface PlanResponder {
  /** Resolves once the subscription is closed and the plans in progress have answered. */
  stopped: Promise<void>;
}

/**
 * Answers plan requests as one member of the probe services' queue group (NATS hands each
 * request to one member), `concurrency` at a time: a request waits here for a free slot, and its
 * work is aborted and left unanswered once its asker's timeout has passed (nobody reads it then).
 * A service stopping answers the plans in progress as failed.
 */
export function servePlanRequests(
  nc: NatsConnection,
  options: {
    concurrency: number;
    log: Logger;
    signal: AbortSignal;
    answer: (request: PlanRequest, signal: AbortSignal) => Promise<PlanReply>;
  },
): PlanResponder {
  const { log, signal } = options;
  const inFlight = new Set<Promise<void>>();
  const waiting: Array<() => void> = [];
  let running = 0;

  const slot = async (): Promise<void> => {
    if (running < options.concurrency) {
      running++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };

  const handle = async (msg: Msg, receivedAt: number) => {
    const parsed = planRequestSchema.safeParse(safeJson(msg));
    if (!parsed.success) {
      log.warn({ subject: msg.subject }, "malformed plan request answered as failed (INVALID_EVENT)");
      msg.respond(JSON.stringify(failed("INVALID_EVENT", "the plan request is not one this probe service reads")));
      return;
    }
    const request = parsed.data;
    await slot();
    try {
      const left = request.timeoutMs - (Date.now() - receivedAt);
      if (left <= 0) return log.info("plan request dropped: its asker stopped waiting");
      const deadline = AbortSignal.timeout(left);
      const reply = await options.answer(request, AbortSignal.any([signal, deadline])).catch((error: unknown): PlanReply => {
        if (!deadline.aborted) log.error({ err: error }, "plan failed");
        return failed("INTERNAL", "the probe service failed to make the plan");
      });
      // Past its deadline the asker has given up (it reports PLAN_UNAVAILABLE): nobody reads an answer.
      if (deadline.aborted) return log.info({ timeoutMs: request.timeoutMs }, "plan abandoned at its deadline");
      msg.respond(JSON.stringify(reply));
    } finally {
      release();
    }
  };

  const subscription = nc.subscribe(PLAN_SUBJECT, {
    queue: PLAN_QUEUE_GROUP,
    callback: (error, msg) => {
      if (error) return log.warn({ err: error }, "plan subscription error");
      const work = handle(msg, Date.now()).finally(() => inFlight.delete(work));
      inFlight.add(work);
    },
  });
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      subscription.unsubscribe();
      void Promise.all(inFlight).then(() => resolve());
    };
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
  });
  return { stopped };
}

function failed(code: "INVALID_EVENT" | "INTERNAL", message: string): PlanReply {
  return { v: 1, outcome: "failed", error: { code, message } };
}

function safeJson(msg: Msg): unknown {
  try {
    return msg.json();
  } catch {
    return undefined;
  }
}
