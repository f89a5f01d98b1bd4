import "server-only";
import { createSubscriptionClient, subscribeGraphql, VideoProgressDocument } from "@aq/graphql-client";
import WebSocket from "ws";
import { gatewayConfig } from "./config";
import type { GatewayFailure } from "./errors";

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
      const client = createSubscriptionClient({ url: graphqlWsUrl, apiKey, webSocketImpl: WebSocket, retryAttempts: 0 });
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
      const unsubscribe = subscribeGraphql(
        client,
        VideoProgressDocument,
        { id: videoId },
        {
          next: (data) => send("progress", data.videoProgress),
          error: (failure) => {
            send("failure", { code: failure.code, message: failure.message } satisfies GatewayFailure);
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
