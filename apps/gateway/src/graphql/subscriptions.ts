import type { Server } from "node:http";
import { specifiedRules, validate, type GraphQLSchema, type ValidationRule } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { GatewayContext } from "./context.js";

export interface SubscriptionServer {
  /** Closes every socket (completing their subscriptions) and stops accepting new ones. */
  dispose(): Promise<void>;
}

/**
 * graphql-ws on the HTTP server's /graphql path. The API key comes from the connection
 * parameter `authorization` (browsers cannot set WebSocket headers) or the upgrade request's
 * Authorization header; a refused connection is closed with 4403.
 */
export function attachSubscriptionServer(
  httpServer: Server,
  options: {
    schema: GraphQLSchema;
    rules: readonly ValidationRule[];
    isAuthorized: (authorization: string | undefined) => boolean;
    context: () => GatewayContext;
  },
): SubscriptionServer {
  const wsServer = new WebSocketServer({ server: httpServer, path: "/graphql" });
  const rules = [...specifiedRules, ...options.rules];
  const cleanup = useServer(
    {
      schema: options.schema,
      validate: (schema, document) => validate(schema, document, rules),
      onConnect: (ctx) => {
        const param = ctx.connectionParams?.authorization;
        return options.isAuthorized(typeof param === "string" ? param : ctx.extra.request.headers.authorization);
      },
      context: () => options.context(),
    },
    wsServer,
  );
  return {
    async dispose() {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
