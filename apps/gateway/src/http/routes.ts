import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServer } from "@apollo/server";
import fastifyApollo from "@as-integrations/fastify";
import fastifyCors from "@fastify/cors";
import type { FastifyError, FastifyInstance, FastifyRequest } from "fastify";
import type { Logger } from "@aq/platform/log";
import { PLAYBACK_ROUTE_PREFIX } from "@aq/platform/playback";
import type { GatewayContext } from "../graphql/context.js";

export interface RouteOptions {
  log: Logger;
  apollo: ApolloServer<GatewayContext>;
  /** The operation's context, or a thrown GraphQLError (401) when the request has no valid key. */
  context: (request: FastifyRequest) => Promise<GatewayContext>;
  /** Origins whose pages may call /graphql (GRAPHQL_CORS_ORIGINS). */
  corsOrigins: readonly string[];
  playback: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  ready: () => Promise<boolean>;
}

/** Errors before Apollo (a body too large, not JSON) in the shape GraphQL clients read. */
function graphqlRequestError(error: FastifyError): { status: number; body: unknown } {
  const status = error.statusCode ?? 500;
  const code = status === 413 ? "PAYLOAD_TOO_LARGE" : status < 500 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR";
  const message =
    status === 413
      ? "the request body is larger than the limit"
      : error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error instanceof SyntaxError
        ? "the request body is not valid JSON"
        : status < 500
          ? error.message
          : "internal error";
  return { status, body: { errors: [{ message, extensions: { code } }] } };
}

/**
 * The gateway's routes on Fastify: GraphQL over HTTP at /graphql (Apollo's Fastify
 * integration, CORS for the configured origins only), signed playback under /v/ (streamed by
 * playback-route.ts on the raw response, for Range and gzip), and /healthz and /readyz in the
 * format every AQ service answers them (run-service.ts).
 */
export async function registerRoutes(app: FastifyInstance, options: RouteOptions): Promise<void> {
  await app.register(async (graphql) => {
    if (options.corsOrigins.length > 0) {
      await graphql.register(fastifyCors, {
        origin: [...options.corsOrigins],
        methods: ["GET", "POST", "OPTIONS"],
        allowedHeaders: ["Authorization", "Content-Type", "Apollo-Require-Preflight"],
        maxAge: 600,
      });
    }
    // Bodies that are not JSON reach Apollo as text, which refuses them (CSRF prevention).
    graphql.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
    graphql.setErrorHandler((error: FastifyError, request, reply) => {
      const { status, body } = graphqlRequestError(error);
      if (status >= 500) options.log.error({ err: error, method: request.method }, "graphql request failed");
      return reply.code(status).type("application/json; charset=utf-8").send(body);
    });
    await graphql.register(fastifyApollo(options.apollo), { path: "/graphql", method: ["GET", "POST"], context: options.context });
  });

  app.all(`${PLAYBACK_ROUTE_PREFIX}*`, (request, reply) => {
    // The playback route writes the raw response itself (streams, ranges, gzip).
    reply.hijack();
    options.playback(request.raw, reply.raw).catch((error: unknown) => {
      options.log.error({ err: error, method: request.method }, "playback request failed");
      if (!reply.raw.headersSent) reply.raw.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      reply.raw.end();
    });
  });

  const health = { "cache-control": "no-store" };
  app.get("/healthz", async (_request, reply) => reply.headers(health).send({ status: "ok", service: "gateway" }));
  app.get("/readyz", async (_request, reply) => {
    const ready = await options.ready().catch(() => false);
    return reply
      .headers(health)
      .code(ready ? 200 : 503)
      .send({ ready, service: "gateway" });
  });
}
