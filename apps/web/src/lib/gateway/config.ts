import "server-only";

export interface GatewayConfig {
  /** The gateway's GraphQL endpoint over HTTP. */
  graphqlUrl: string;
  /** Its graphql-ws endpoint, for the progress subscriptions this server relays. */
  graphqlWsUrl: string;
  /** Sent as `Authorization: Bearer <key>`; never leaves this server. */
  apiKey: string | undefined;
}

const DEFAULT_GRAPHQL_URL = "http://127.0.0.1:4000/graphql";

/**
 * Read at request time (not at build time), so one build runs against any gateway.
 * AQ_GATEWAY_WS_URL defaults to AQ_GATEWAY_URL with ws(s): because the gateway serves both on
 * one path.
 */
export function gatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const graphqlUrl = parseUrl("AQ_GATEWAY_URL", env.AQ_GATEWAY_URL || DEFAULT_GRAPHQL_URL, ["http:", "https:"]);
  const wsDefault = new URL(graphqlUrl);
  wsDefault.protocol = wsDefault.protocol === "https:" ? "wss:" : "ws:";
  const graphqlWsUrl = parseUrl("AQ_GATEWAY_WS_URL", env.AQ_GATEWAY_WS_URL || wsDefault.href, ["ws:", "wss:"]);
  return { graphqlUrl, graphqlWsUrl, apiKey: env.AQ_API_KEY || undefined };
}

function parseUrl(name: string, value: string, protocols: string[]): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch (error) {
    throw new Error(`${name} is not a URL: "${value}"`, { cause: error });
  }
  if (!protocols.includes(url.protocol)) throw new Error(`${name} must be a ${protocols.join(" or ")} URL, got "${value}"`);
  return url.href;
}
