import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer, type HTTPGraphQLRequest } from "@apollo/server";
import type { GatewayContext } from "../graphql/context.js";
import { BodyTooLargeError, readBody } from "./read-body.js";

function sendJsonError(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify({ errors: [{ message, extensions: { code: status === 413 ? "PAYLOAD_TOO_LARGE" : "BAD_REQUEST" } }] }));
}

function headerMap(req: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  return headers;
}

/** JSON bodies are parsed here; anything else reaches Apollo without a body and is refused there (CSRF prevention). */
async function parseBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (req.method !== "POST") return undefined;
  const text = await readBody(req, maxBytes);
  const isJson = /^application\/(graphql-response\+)?json\b/i.test(req.headers["content-type"] ?? "");
  if (!isJson) return text;
  return text ? JSON.parse(text) : undefined;
}

/**
 * Apollo Server on Node's own HTTP server: translates a request into Apollo's HTTPGraphQLRequest
 * and writes its response back, streaming incremental responses as they come.
 */
export function graphqlHandler(
  apollo: ApolloServer<GatewayContext>,
  options: { maxBodyBytes: number; context: (req: IncomingMessage) => Promise<GatewayContext> },
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    let body: unknown;
    try {
      body = await parseBody(req, options.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return sendJsonError(res, 413, error.message);
      if (error instanceof SyntaxError) return sendJsonError(res, 400, "the request body is not valid JSON");
      throw error;
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: (req.method ?? "GET").toUpperCase(),
      headers: headerMap(req),
      search: new URL(req.url ?? "/", "http://gateway").search,
      body,
    };
    const response = await apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context: () => options.context(req) });
    for (const [name, value] of response.headers) res.setHeader(name, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === "complete") {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
