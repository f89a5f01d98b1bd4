import { createSubscriptionClient, graphqlRequest, subscribeGraphql, type TypedDocumentNode } from "@aq/graphql-client";
import type { Client } from "graphql-ws";
import WebSocket from "ws";

export interface GraphqlClientOptions {
  httpUrl: string;
  wsUrl: string;
  apiKey: string;
}

/**
 * What an application needs from the AQ API and nothing more: the generated operations over
 * HTTP POST, subscriptions over graphql-ws, the API key on both.
 */
export function createGraphqlClient(options: GraphqlClientOptions) {
  let ws: Client | undefined;
  return {
    /** For helpers that take the endpoint itself (uploadInParts through gatewayUploadApi). */
    endpoint: { url: options.httpUrl, apiKey: options.apiKey },

    request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): Promise<TResult> {
      return graphqlRequest({ url: options.httpUrl, apiKey: options.apiKey }, document, variables);
    },

    /** Resolves when the server completes the subscription; rejects on an error. */
    follow<TResult, TVariables>(
      document: TypedDocumentNode<TResult, TVariables>,
      variables: TVariables,
      onNext: (data: TResult) => void,
    ): Promise<void> {
      // A dropped connection is resumed: the gateway sends the current state first.
      ws ??= createSubscriptionClient({ url: options.wsUrl, apiKey: options.apiKey, webSocketImpl: WebSocket, retryAttempts: 5 });
      const client = ws;
      return new Promise((resolve, reject) => {
        subscribeGraphql(client, document, variables, { next: onNext, error: reject, complete: resolve });
      });
    },

    async close() {
      await ws?.dispose();
    },
  };
}

export type GraphqlClient = ReturnType<typeof createGraphqlClient>;
