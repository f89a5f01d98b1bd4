import {
  createSubscriptionClient,
  graphqlRequest,
  subscribeGraphql,
  VideoProgressDocument,
  type TypedDocumentNode,
  type VideoProgressSubscription,
} from "@aq/graphql-client";
import type { Client } from "graphql-ws";
import WebSocket from "ws";

export interface GatewayEndpoint {
  graphqlUrl: string;
  graphqlWsUrl: string;
  apiKey: string;
}

/** One generated operation over HTTP POST; throws on transport errors and on GraphQL errors. */
export function gatewayRequest<TResult, TVariables>(
  endpoint: GatewayEndpoint,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  return graphqlRequest({ url: endpoint.graphqlUrl, apiKey: endpoint.apiKey }, document, variables);
}

/** A graphql-ws client with the API key as the connection parameter; no reconnects (a drop is a failure here). */
export function wsClient(endpoint: GatewayEndpoint): Client {
  return createSubscriptionClient({ url: endpoint.graphqlWsUrl, apiKey: endpoint.apiKey, webSocketImpl: WebSocket, retryAttempts: 0 });
}

export type ProgressEvent = VideoProgressSubscription["videoProgress"];

/**
 * Follows a video's videoProgress until the gateway completes the subscription (the video ended);
 * rejects on an event that carries an error. Subscribe before completing the upload: no status
 * change is missed.
 */
export function followProgress(client: Client, id: string, onEvent: (event: ProgressEvent) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    subscribeGraphql(
      client,
      VideoProgressDocument,
      { id },
      {
        next: ({ videoProgress: event }) => {
          onEvent(event);
          if (event.error) reject(new Error(`video ${id} ended ${event.status}: ${event.error.code}: ${event.error.message}`));
        },
        error: reject,
        complete: () => resolve(),
      },
    );
  });
}
