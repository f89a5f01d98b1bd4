import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print, type DocumentNode } from "graphql";

/** A GraphQL error as the gateway sends it: `extensions.aqCode` is AQ's stable code when there is one. */
export interface GraphqlErrorBody {
  message: string;
  extensions?: { code?: string; aqCode?: string };
}

/**
 * A failed operation, in a form safe to show: the gateway's errors, or why there was no answer.
 * `code` is the AQ code when the gateway gives one (SOURCE_URL_REFUSED ...), else its GraphQL
 * code (BAD_USER_INPUT, NOT_FOUND ...), else GATEWAY_UNREACHABLE / GATEWAY_BAD_RESPONSE /
 * GATEWAY_CLOSED from this client.
 */
export class GraphqlRequestError extends Error {
  readonly code: string;
  readonly errors: readonly GraphqlErrorBody[];

  constructor(code: string, message: string, errors: readonly GraphqlErrorBody[] = [], options?: ErrorOptions) {
    super(message, options);
    this.name = "GraphqlRequestError";
    this.code = code;
    this.errors = errors;
  }

  static fromErrors(errors: readonly GraphqlErrorBody[]): GraphqlRequestError {
    const first = errors[0];
    const code = first?.extensions?.aqCode ?? first?.extensions?.code ?? "GATEWAY_ERROR";
    return new GraphqlRequestError(code, errors.map((e) => e.message).join("; ") || "the gateway answered with an error", errors);
  }
}

export interface GraphqlEndpoint {
  /** The gateway's /graphql over HTTP(S). */
  url: string;
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
}

const printed = new WeakMap<DocumentNode, string>();

function queryText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

/**
 * Runs one query or mutation over HTTP POST; the result and the variables are typed by the
 * generated document. Throws GraphqlRequestError on GraphQL errors and on transport failures.
 */
export async function graphqlRequest<TResult, TVariables>(
  endpoint: GraphqlEndpoint,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  init: Omit<RequestInit, "method" | "body" | "headers"> = {},
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch(endpoint.url, {
      ...init,
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...(endpoint.apiKey ? { authorization: `Bearer ${endpoint.apiKey}` } : {}),
      },
      body: JSON.stringify({ query: queryText(document), variables }),
    });
  } catch (error) {
    throw new GraphqlRequestError("GATEWAY_UNREACHABLE", `the gateway at ${endpoint.url} did not answer`, [], { cause: error });
  }
  const text = await response.text();
  let body: { data?: TResult | null; errors?: GraphqlErrorBody[] };
  try {
    body = JSON.parse(text) as typeof body;
  } catch (error) {
    throw new GraphqlRequestError("GATEWAY_BAD_RESPONSE", `the gateway answered HTTP ${response.status} without a GraphQL body`, [], {
      cause: error,
    });
  }
  if (body.errors?.length) throw GraphqlRequestError.fromErrors(body.errors);
  if (!body.data) throw new GraphqlRequestError("GATEWAY_BAD_RESPONSE", `the gateway answered HTTP ${response.status} without data`);
  return body.data;
}
