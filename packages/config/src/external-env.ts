/**
 * Variables read outside the services' schemas (the local stack, the web app, install scripts),
 * described here so that docs/configuration.md lists every variable AQ reads.
 */
export interface ExternalVariable {
  name: string;
  readBy: string;
  shownDefault: string;
  description: string;
}

export const EXTERNAL_ENV: readonly ExternalVariable[] = [
  {
    name: "AQ_DATA_DIR",
    readBy: "local stack",
    shownDefault: "`.data`",
    description: "State of `npm run dev` / `npm run demo` (`nats/`, `pg/`, `s3/`, `work/`, `samples/`, `stack.json`).",
  },
  {
    name: "NATS_SERVER_BIN",
    readBy: "local stack, tests",
    shownDefault: "`nats-server`",
    description: "The nats-server binary the stack and the tests start.",
  },
  { name: "NO_COLOR", readBy: "local stack", shownDefault: "unset", description: "Plain console output." },
  {
    name: "AQ_GATEWAY_URL",
    readBy: "web app",
    shownDefault: "`http://127.0.0.1:4000/graphql`",
    description: "The gateway's GraphQL endpoint (HTTP).",
  },
  {
    name: "AQ_GATEWAY_WS_URL",
    readBy: "web app",
    shownDefault: "`AQ_GATEWAY_URL` with `ws:`/`wss:`",
    description: "The gateway's graphql-ws endpoint, used by the web app's server only.",
  },
  {
    name: "AQ_API_KEY",
    readBy: "web app",
    shownDefault: "none",
    description: "Sent to the gateway as `Authorization: Bearer …`; never reaches a browser.",
  },
  {
    name: "AQ_SKIP_BROWSER, AQ_SKIP_COMPOSE",
    readBy: "`scripts/install-system-deps.sh`",
    shownDefault: "unset",
    description: "`1` skips Chromium / docker-compose (the demo needs neither).",
  },
];
