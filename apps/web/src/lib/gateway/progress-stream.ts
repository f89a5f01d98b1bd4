import "server-only";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import type { VideoProgress } from "../videos";
import { gatewayConfig } from "./config";
import type { GatewayFailure } from "./errors";
import { VIDEO_PROGRESS_SUBSCRIPTION } from "./operations";

/**
 * Relays the gateway's `videoProgress` subscription as Server-Sent Events, so the browser follows
 * a video without holding the API key or a WebSocket to the gateway. Events:
 * `progress` (a VideoProgress), `failure` (a GatewayFailure, then the stream ends) and `end`
 * (the subscription completed after a terminal status). The client closes its EventSource on
 * either of the last two; on a dropped connection EventSource reconnects and the subscription's
 * first event (the current state) fills the gap.
 */
export function videoProgressEventStream(videoId: string, signal: AbortSignal): ReadableStream<Uint8Array> {
  const { graphqlWsUrl, apiKey } = gatewayConfig();
  const encoder = new TextEncoder();
  // Set in start(); `closeStream` is false when the reader cancelled (the stream is closed already).
  let finish: (closeStream: boolean) => void = () => {};

  return new ReadableStream<Uint8Array>({
    start(controller) {
      const client = createClient({
        url: graphqlWsUrl,
        // Node 20 has no global WebSocket.
        webSocketImpl: WebSocket,
        connectionParams: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
        retryAttempts: 0,
      });
      let done = false;
      const send = (event: string, data: unknown) => {
        if (!done) controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      };
      finish = (closeStream) => {
        if (done) return;
        done = true;
        unsubscribe();
        void client.dispose();
        if (closeStream) controller.close();
      };
      const unsubscribe = client.subscribe<{ videoProgress: VideoProgress }>(
        { query: VIDEO_PROGRESS_SUBSCRIPTION, variables: { id: videoId } },
        {
          next: (result) => {
            const first = result.errors?.[0];
            if (first) {
              const extensions = first.extensions as { code?: string; aqCode?: string } | undefined;
              send("failure", { code: extensions?.aqCode ?? extensions?.code ?? "GATEWAY_ERROR", message: first.message } satisfies GatewayFailure);
              finish(true);
            } else if (result.data) {
              send("progress", result.data.videoProgress);
            }
          },
          error: (error) => {
            send("failure", subscriptionFailure(error, graphqlWsUrl));
            finish(true);
          },
          complete: () => {
            send("end", {});
            finish(true);
          },
        },
      );
      if (signal.aborted) finish(true);
      else signal.addEventListener("abort", () => finish(true), { once: true });
    },
    cancel() {
      finish(false);
    },
  });
}

/** graphql-ws reports an array of GraphQL errors, a close event, or an Error. */
function subscriptionFailure(error: unknown, url: string): GatewayFailure {
  if (Array.isArray(error) && error[0] && typeof error[0].message === "string") {
    return { code: error[0].extensions?.code ?? "GATEWAY_ERROR", message: error[0].message };
  }
  if (error && typeof error === "object" && "code" in error && typeof error.code === "number") {
    const reason = "reason" in error && typeof error.reason === "string" && error.reason ? `: ${error.reason}` : "";
    return { code: error.code === 4403 ? "UNAUTHENTICATED" : "GATEWAY_CLOSED", message: `the gateway closed the progress connection (${error.code}${reason})` };
  }
  return { code: "GATEWAY_UNREACHABLE", message: `the gateway's progress endpoint at ${url} did not answer` };
}
