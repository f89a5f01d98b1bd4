import { once } from "node:events";
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  deleteObjectsIntegrityRefusal,
  MultipartLedger,
  R2_LIMITS,
  type R2Limits,
  type S3Refusal,
  type S3Request,
  unsupportedFeature,
  uploadSizeRefusal,
} from "./r2-rules.js";
import { payloadHashMatches, verifySigV4 } from "./sigv4.js";

export interface StrictS3Proxy {
  /** Where clients send requests (http://host:port). */
  endpoint: string;
  /** Every request it refused, in order (for tests that show what a real R2 would have answered). */
  refusals: Array<S3Refusal & { method: string; target: string }>;
  stop(): Promise<void>;
}

export interface StrictS3Options {
  /** The permissive server behind it. */
  upstream: string;
  /** Access key ID to secret: the only credentials it accepts. */
  credentials: Record<string, string>;
  limits?: Partial<R2Limits>;
  host?: string;
}

function errorXml(refusal: S3Refusal): string {
  const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${escape(refusal.message)}</Message></Error>`;
}

/** Header names in lower case; repeated headers joined with "," as SigV4 canonicalises them. */
function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseTarget(req: IncomingMessage, headers: Record<string, string>): S3Request {
  const url = new URL(req.url ?? "/", "http://strict-s3");
  const [, , ...keyParts] = url.pathname.split("/");
  return { method: req.method ?? "GET", key: decodeURIComponent(keyParts.join("/")), query: url.searchParams, headers };
}

/**
 * A stand-in for Cloudflare R2 in tests: an HTTP proxy in front of a permissive S3 server
 * (s3rver) that answers as R2 would where s3rver would not. It verifies SigV4 signatures on
 * headers and presigned query strings (403 SignatureDoesNotMatch), refuses single PUTs above
 * `maxSingleUploadBytes` (400 EntityTooLarge), enforces the multipart part rules, requires an
 * integrity header on DeleteObjects, and answers 501 NotImplemented to the headers and
 * operations R2's compatibility table marks unsupported. What passes is forwarded unchanged.
 */
export async function startStrictS3Proxy(options: StrictS3Options): Promise<StrictS3Proxy> {
  const limits: R2Limits = { ...R2_LIMITS, ...options.limits };
  const secrets = new Map(Object.entries(options.credentials));
  const ledger = new MultipartLedger(limits);
  const upstream = new URL(options.upstream);
  const refusals: StrictS3Proxy["refusals"] = [];

  async function refuse(req: IncomingMessage, res: ServerResponse, refusal: S3Refusal): Promise<void> {
    refusals.push({ ...refusal, method: req.method ?? "", target: req.url ?? "" });
    // Read what the client sends first: answering mid-body would reset its connection.
    if (!req.readableEnded) {
      req.resume();
      await once(req, "end");
    }
    const body = req.method === "HEAD" ? "" : errorXml(refusal);
    res.writeHead(refusal.status, { "content-type": "application/xml", "content-length": Buffer.byteLength(body) });
    res.end(body);
  }

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    headers: Record<string, string>,
    body: Buffer,
  ): Promise<{ status: number; etag: string | undefined }> {
    return new Promise((resolve, reject) => {
      const forwarded = { ...headers };
      // The body is already read in full: the upstream must not wait for a 100 Continue.
      delete forwarded["expect"];
      delete forwarded["transfer-encoding"];
      if (body.length > 0 || "content-length" in headers) forwarded["content-length"] = String(body.length);
      const out = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: forwarded },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          const etag = typeof answer.headers.etag === "string" ? answer.headers.etag : undefined;
          answer.on("end", () => resolve({ status: answer.statusCode ?? 502, etag }));
          answer.on("error", reject);
        },
      );
      out.on("error", reject);
      // A client that goes away mid-answer (ffmpeg stops reading its source at the chunk's end)
      // takes the upstream request with it: left open, s3rver's close would wait for it forever.
      res.once("close", () => {
        if (!res.writableFinished) out.destroy();
      });
      out.end(body);
    });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = headersOf(req);
    const request = parseTarget(req, headers);
    // CORS preflights carry no credentials, on R2 as anywhere.
    if (request.method !== "OPTIONS") {
      const verdict = verifySigV4({ method: request.method, target: req.url ?? "/", headers }, secrets);
      if (!verdict.ok) return refuse(req, res, verdict);
      const early = unsupportedFeature(request) ?? uploadSizeRefusal(request, limits);
      if (early) return refuse(req, res, early);
    }
    const body = await readBody(req);
    if (!payloadHashMatches(headers["x-amz-content-sha256"], body)) {
      return refuse(req, res, {
        status: 400,
        code: "XAmzContentSHA256Mismatch",
        message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
      });
    }
    const integrity = deleteObjectsIntegrityRefusal(request, body);
    if (integrity) return refuse(req, res, integrity);
    const uploadId = request.query.get("uploadId");
    if (uploadId && request.method === "POST") {
      const refusal = ledger.completionRefusal(uploadId, body.toString("utf8"));
      if (refusal) return refuse(req, res, refusal);
    }
    const { status, etag } = await forward(req, res, headers, body);
    if (uploadId && status >= 200 && status < 300) {
      if (request.method === "PUT") ledger.recordPart(uploadId, Number(request.query.get("partNumber")), body.length, etag);
      // Completed or aborted; a GET (ListParts) changes nothing.
      else if (request.method === "POST" || request.method === "DELETE") ledger.forget(uploadId);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`strict S3 proxy: ${(error as Error).message}`);
      } else res.destroy();
    });
  });
  const host = options.host ?? "127.0.0.1";
  server.listen(0, host);
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    refusals,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
