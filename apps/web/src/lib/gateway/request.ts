import "server-only";
import { gatewayConfig } from "./config";
import { GatewayError } from "./errors";

interface GraphQLErrorBody {
  message?: string;
  extensions?: { code?: string; aqCode?: string };
}

interface GraphQLResponseBody<T> {
  data?: T | null;
  errors?: GraphQLErrorBody[];
}

/** Runs one GraphQL operation against the gateway with this server's API key. */
export async function gatewayRequest<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const { graphqlUrl, apiKey } = gatewayConfig();
  let response: Response;
  try {
    response = await fetch(graphqlUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/graphql-response+json, application/json",
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
      cache: "no-store",
    });
  } catch (error) {
    throw new GatewayError({ code: "GATEWAY_UNREACHABLE", message: `the gateway at ${graphqlUrl} did not answer` }, { cause: error });
  }

  let body: GraphQLResponseBody<T>;
  try {
    body = (await response.json()) as GraphQLResponseBody<T>;
  } catch (error) {
    throw new GatewayError({ code: "GATEWAY_BAD_RESPONSE", message: `the gateway answered HTTP ${response.status} without a GraphQL body` }, { cause: error });
  }
  const first = body.errors?.[0];
  if (first) {
    throw new GatewayError({
      code: first.extensions?.aqCode ?? first.extensions?.code ?? "GATEWAY_ERROR",
      message: first.message ?? `the gateway answered HTTP ${response.status} with an error`,
    });
  }
  if (!body.data) throw new GatewayError({ code: "GATEWAY_BAD_RESPONSE", message: `the gateway answered HTTP ${response.status} without data` });
  return body.data;
}
