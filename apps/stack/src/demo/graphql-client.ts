import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface GraphqlClientOptions {
  httpUrl: string;
  wsUrl: string;
  apiKey: string;
}

export interface GraphqlError {
  message: string;
  extensions?: { code?: string; aqCode?: string };
}

export class GraphqlRequestError extends Error {
  constructor(
    message: string,
    readonly errors: GraphqlError[],
  ) {
    super(message);
    this.name = "GraphqlRequestError";
  }
}

function describe(errors: GraphqlError[]): string {
  return errors.map((e) => `${e.message}${e.extensions?.code ? ` [${e.extensions.aqCode ?? e.extensions.code}]` : ""}`).join("; ");
}

function closeReason(event: unknown): string {
  const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
  return code === 4403 ? "the API key was refused (4403)" : `code ${code ?? "?"}${reason ? ` (${reason})` : ""}`;
}

/**
 * What an application needs from the AQ API and nothing more: queries and mutations as JSON
 * over HTTP POST, subscriptions over graphql-ws, the API key on both.
 */
export function createGraphqlClient(options: GraphqlClientOptions) {
  const authorization = `Bearer ${options.apiKey}`;
  let ws: Client | undefined;

  async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(options.httpUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body: JSON.stringify({ query, variables }),
    });
    const text = await response.text();
    let body: { data?: T; errors?: GraphqlError[] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new GraphqlRequestError(`the gateway answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`, []);
    }
    if (body.errors?.length) throw new GraphqlRequestError(describe(body.errors), body.errors);
    if (!body.data) throw new GraphqlRequestError(`the gateway answered ${response.status} without data`, []);
    return body.data;
  }

  /** Resolves when the server completes the subscription; rejects on an error. */
  function subscribe<T>(query: string, variables: Record<string, unknown>, onNext: (data: T) => void): Promise<void> {
    ws ??= createClient({
      url: options.wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization },
      // A dropped connection is resumed: the gateway sends the current state first.
      retryAttempts: 5,
    });
    const client = ws;
    return new Promise((resolve, reject) => {
      client.subscribe<T>(
        { query, variables },
        {
          next: (result) => {
            if (result.errors?.length) reject(new GraphqlRequestError(describe(result.errors as GraphqlError[]), result.errors as GraphqlError[]));
            else if (result.data) onNext(result.data);
          },
          error: (error) => reject(error instanceof Error ? error : new Error(`the subscription's connection closed: ${closeReason(error)}`)),
          complete: resolve,
        },
      );
    });
  }

  return {
    request,
    subscribe,
    async close() {
      await ws?.dispose();
    },
  };
}

export type GraphqlClient = ReturnType<typeof createGraphqlClient>;
