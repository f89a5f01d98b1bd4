import http from "node:http";
import https from "node:https";
import { toErrorValue } from "@aq/contracts";
import type { AddressPolicy } from "../sources/addresses.js";
import { policyLookup } from "../sources/url-policy.js";
import { assertWebhookUrlAllowed } from "./endpoint-url.js";

export interface WebhookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  policy: AddressPolicy;
}

/** What one try came to: the status code of the answer, or why there was none. */
export interface WebhookResponse {
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** How much of an answer is read before the connection is dropped: the status code is all that counts. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** A refusal keeps its AQ code in the delivery log; a network error is its message (ECONNREFUSED ...). */
function describe(error: unknown): string {
  const { code, message } = toErrorValue(error);
  return code === "INTERNAL" ? message : `${code}: ${message}`;
}

/**
 * POSTs one delivery. The URL is checked again (DNS may have changed since registration) and
 * the socket's own lookup re-applies the address policy, as for source URLs; redirects are not
 * followed. Never throws: a refusal, a network error or the timeout is the `error`.
 */
export async function sendWebhook(request: WebhookRequest): Promise<WebhookResponse> {
  const started = performance.now();
  const done = (statusCode: number | null, error: string | null): WebhookResponse => ({
    statusCode,
    error,
    durationMs: Math.round(performance.now() - started),
  });
  let url: URL;
  try {
    url = await assertWebhookUrlAllowed(request.url, request.policy);
  } catch (error) {
    return done(null, describe(error));
  }
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (statusCode: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(done(statusCode, error));
    };
    const outgoing = client.request(
      url,
      {
        method: "POST",
        lookup: policyLookup(request.policy, "webhook"),
        headers: { ...request.headers, "content-length": String(Buffer.byteLength(request.body)) },
      },
      (response) => {
        let read = 0;
        response.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy();
        });
        response.on("close", () => finish(response.statusCode ?? null, null));
        response.on("error", () => finish(response.statusCode ?? null, null));
      },
    );
    // The whole exchange, not just idle time: an endpoint that trickles bytes is still cut off.
    const timer = setTimeout(() => {
      outgoing.destroy();
      finish(null, `no answer within ${request.timeoutMs / 1000} s`);
    }, request.timeoutMs);
    outgoing.on("error", (error) => finish(null, describe(error)));
    outgoing.end(request.body);
  });
}
