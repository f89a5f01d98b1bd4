import { once } from "node:events";
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { buildSchema, validate, type DocumentNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENERATED_PATH, generateClient, SCHEMA_PATH } from "../scripts/generate-client.js";
import * as client from "../src/index.js";
import { CreateUploadDocument, graphqlRequest, GraphqlRequestError, VideoDocument } from "../src/index.js";

describe("the generated client", () => {
  it("is generated from the current schema and operations (npm run codegen -w @aq/graphql-client)", async () => {
    expect(await readFile(GENERATED_PATH, "utf8")).toBe(await generateClient());
  });

  it("has documents that are valid against apps/gateway/schema.graphql", async () => {
    const schema = buildSchema(await readFile(SCHEMA_PATH, "utf8"));
    const documents = Object.entries(client).filter(([name]) => name.endsWith("Document")) as [string, DocumentNode][];
    expect(documents.map(([name]) => name).sort()).toEqual([
      "AddCaptionDocument",
      "CompleteCaptionUploadDocument",
      "CompleteUploadDocument",
      "CreateUploadDocument",
      "CreateWebhookEndpointDocument",
      "DeleteVideoDocument",
      "DeleteWebhookEndpointDocument",
      "LibraryDocument",
      "PlanVideoDocument",
      "PlayerDocument",
      "RemoveCaptionDocument",
      "ReplayWebhookEventsDocument",
      "ResumeUploadDocument",
      "RetryVideoDocument",
      "SetWebhookEndpointEnabledDocument",
      "SignUploadPartsDocument",
      "UploadRulesDocument",
      "VideoDocument",
      "VideoProgressDocument",
      "VideoQcDocument",
      "WebhookDeliveriesDocument",
      "WebhookEndpointsDocument",
    ]);
    for (const [name, document] of documents)
      expect({ name, errors: validate(schema, document).map((e) => e.message) }).toEqual({ name, errors: [] });
  });
});

describe("graphqlRequest", () => {
  let server: Server;
  let url: string;
  let answer: { status: number; body: string };
  const received: { authorization?: string; body: { query: string; variables: unknown } }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        received.push({ authorization: req.headers.authorization, body: JSON.parse(body) as { query: string; variables: unknown } });
        res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends the printed document, its variables and the API key, and returns the data", async () => {
    answer = { status: 200, body: JSON.stringify({ data: { video: null } }) };
    expect(await graphqlRequest({ url, apiKey: "k1" }, VideoDocument, { id: "v1" })).toEqual({ video: null });
    const last = received.at(-1);
    expect(last?.authorization).toBe("Bearer k1");
    expect(last?.body.variables).toEqual({ id: "v1" });
    expect(last?.body.query).toMatch(/^query Video\(\$id: ID!\)/);
    expect(last?.body.query).toContain("fragment VideoSummary on Video");
  });

  it("throws the gateway's AQ code and message", async () => {
    answer = {
      status: 200,
      body: JSON.stringify({
        errors: [
          { message: "sourceUrl points to a private address", extensions: { code: "BAD_USER_INPUT", aqCode: "SOURCE_URL_REFUSED" } },
        ],
      }),
    };
    const error = await graphqlRequest({ url }, CreateUploadDocument, { input: { sourceUrl: "http://10.0.0.1/a.mp4" } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(GraphqlRequestError);
    expect({ code: (error as GraphqlRequestError).code, message: (error as Error).message }).toEqual({
      code: "SOURCE_URL_REFUSED",
      message: "sourceUrl points to a private address",
    });
  });

  it("says when the answer is not GraphQL, or nobody answers", async () => {
    answer = { status: 502, body: "<html>bad gateway</html>" };
    await expect(graphqlRequest({ url }, VideoDocument, { id: "v1" })).rejects.toMatchObject({
      code: "GATEWAY_BAD_RESPONSE",
      message: /HTTP 502/,
    });
    await expect(graphqlRequest({ url: "http://127.0.0.1:1/graphql" }, VideoDocument, { id: "v1" })).rejects.toMatchObject({
      code: "GATEWAY_UNREACHABLE",
    });
  });
});
