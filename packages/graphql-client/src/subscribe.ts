import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { createClient, type Client } from "graphql-ws";
import { GraphqlRequestError, type GraphqlErrorBody } from "./request.js";

export interface SubscriptionClientOptions {
  /** The gateway's /graphql over ws(s). */
  url: string;
  /** Sent as the `authorization` connection parameter. */
  apiKey?: string;
  /** Node 20 has no global WebSocket: pass the `ws` package's. */
  webSocketImpl?: unknown;
  /** Reconnects after a dropped connection (the gateway sends the current state first on resubscribe). */
  retryAttempts: number;
}

export function createSubscriptionClient(options: SubscriptionClientOptions): Client {
  return createClient({
    url: options.url,
    webSocketImpl: options.webSocketImpl,
    connectionParams: options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {},
    retryAttempts: options.retryAttempts,
  });
}

export interface SubscriptionHandlers<TResult> {
  next(data: TResult): void;
  /** The subscription ended with an error; nothing more follows. */
  error(failure: GraphqlRequestError): void;
  /** The gateway completed the subscription. */
  complete(): void;
}

/** graphql-ws reports GraphQL errors as an array, a refused or dropped connection as a close event, or an Error. */
function subscriptionFailure(error: unknown): GraphqlRequestError {
  if (Array.isArray(error)) return GraphqlRequestError.fromErrors(error as GraphqlErrorBody[]);
  if (error && typeof error === "object" && "code" in error && typeof error.code === "number") {
    const reason = "reason" in error && typeof error.reason === "string" && error.reason ? `: ${error.reason}` : "";
    const code = error.code === 4403 ? "UNAUTHENTICATED" : "GATEWAY_CLOSED";
    return new GraphqlRequestError(code, `the gateway closed the subscription's connection (${error.code}${reason})`);
  }
  return new GraphqlRequestError(
    "GATEWAY_UNREACHABLE",
    `the gateway's subscription endpoint did not answer (${(error as Error)?.message ?? String(error)})`,
    [],
    {
      cause: error,
    },
  );
}

/** Subscribes with a generated document; a result with errors ends the subscription as an error. Returns the unsubscribe. */
export function subscribeGraphql<TResult, TVariables>(
  client: Client,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  handlers: SubscriptionHandlers<TResult>,
): () => void {
  let done = false;
  const finish = (then: () => void) => {
    if (done) return;
    done = true;
    then();
  };
  const unsubscribe = client.subscribe<TResult>(
    { query: print(document), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (done) return;
        if (result.errors?.length) {
          const failure = GraphqlRequestError.fromErrors(result.errors as GraphqlErrorBody[]);
          finish(() => handlers.error(failure));
          unsubscribe();
        } else if (result.data) {
          handlers.next(result.data);
        }
      },
      error: (error) => finish(() => handlers.error(subscriptionFailure(error))),
      complete: () => finish(() => handlers.complete()),
    },
  );
  return () => {
    done = true;
    unsubscribe();
  };
}
