import "server-only";
import { graphqlRequest, GraphqlRequestError, type TypedDocumentNode } from "@aq/graphql-client";
import { gatewayConfig } from "./config";
import { GatewayError } from "./errors";

/** Runs one generated GraphQL operation against the gateway with this server's API key. */
export async function gatewayRequest<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const { graphqlUrl, apiKey } = gatewayConfig();
  try {
    return await graphqlRequest({ url: graphqlUrl, apiKey }, document, variables, { cache: "no-store" });
  } catch (error) {
    if (error instanceof GraphqlRequestError) throw new GatewayError({ code: error.code, message: error.message }, { cause: error });
    throw error;
  }
}
