import { createSubscriptionClient, graphqlRequest, type TypedDocumentNode } from "@aq/graphql-client";
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
