import {
  isPlaylist,
  isSingleByteRange,
  parsePlaybackKeys,
  parsePlaybackPath,
  PLAYBACK_EXPOSED_HEADERS,
  playbackCacheControl,
  playbackContentType,
  verifyPlaybackToken,
  type PlaybackKeyring,
  type PlaybackRequest,
} from "@aq/platform/playback";

export interface Env {
  /** The R2 bucket the uploader writes videos/<id>/ to. */
  BUCKET: R2Bucket;
  /** `kid:secret[,kid:secret]`, the same value as the gateway's (a Worker secret). */
  PLAYBACK_SIGNING_KEYS: string;
  PLAYBACK_CORS_ORIGIN?: string;
}

let parsedKeys: { spec: string; keyring: PlaybackKeyring } | undefined;

/** Parsed once per isolate, again only when the secret changes. */
function keyringOf(env: Env): PlaybackKeyring {
  if (parsedKeys?.spec !== env.PLAYBACK_SIGNING_KEYS) {
    parsedKeys = { spec: env.PLAYBACK_SIGNING_KEYS, keyring: parsePlaybackKeys(env.PLAYBACK_SIGNING_KEYS) };
  }
  return parsedKeys.keyring;
}

function text(status: number, message: string, headers: HeadersInit = {}): Response {
  return new Response(`${message}\n`, { status, headers: { ...headers, "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
}

/** "bytes=a-b", "bytes=a-" or "bytes=-n" as an R2 range; null for anything else (served whole). */
function parseByteRange(header: string | null): R2Range | null {
  if (!isSingleByteRange(header)) return null;
  const [first = "", last = ""] = header.slice("bytes=".length).split("-");
  if (first === "") return { suffix: Number(last) };
  const offset = Number(first);
  if (last === "") return { offset };
  const end = Number(last);
  return end < offset ? null : { offset, length: end - offset + 1 };
}

/** The bytes a range covers in an object of `size` bytes; null when it covers none (416). */
function rangeBytes(range: R2Range, size: number): { start: number; end: number } | null {
  let start: number;
  let length: number;
  if ("suffix" in range) {
    length = Math.min(range.suffix, size);
    start = size - length;
  } else {
    start = range.offset ?? 0;
    length = Math.min(range.length ?? size - start, size - start);
  }
  return length > 0 && start < size ? { start, end: start + length - 1 } : null;
}

function objectHeaders(request: PlaybackRequest, object: R2Object, cors: Record<string, string>): Headers {
  const headers = new Headers(cors);
  headers.set("content-type", playbackContentType(request.key, object.httpMetadata?.contentType));
  headers.set("cache-control", playbackCacheControl(request.key, request.expiry));
  headers.set("accept-ranges", "bytes");
  headers.set("etag", object.httpEtag);
  headers.set("x-content-type-options", "nosniff");
  return headers;
}

async function serve(env: Env, httpRequest: Request, request: PlaybackRequest, cors: Record<string, string>): Promise<Response> {
  if (httpRequest.method === "HEAD") {
    const head = await env.BUCKET.head(request.key);
    if (!head) return text(404, "no such file", cors);
    const headers = objectHeaders(request, head, cors);
    headers.set("content-length", String(head.size));
    return new Response(null, { headers });
  }

  const range = parseByteRange(httpRequest.headers.get("range"));
  const unsatisfiable = (size: number) => text(416, "the requested range is not satisfiable", { ...cors, "content-range": `bytes */${size}` });
  let object: R2Object | R2ObjectBody | null;
  try {
    object = await env.BUCKET.get(request.key, { range: range ?? undefined, onlyIf: range ? undefined : httpRequest.headers });
  } catch (error) {
    if (!range) throw error;
    // R2 refuses a range outside the object.
    const head = await env.BUCKET.head(request.key);
    if (!head) return text(404, "no such file", cors);
    return unsatisfiable(head.size);
  }
  if (!object) return text(404, "no such file", cors);
  const headers = objectHeaders(request, object, cors);
  // Without a body the If-None-Match precondition held: the client's copy is current.
  if (!("body" in object)) return new Response(null, { status: 304, headers });

  if (isPlaylist(request.key)) {
    headers.set("vary", "Accept-Encoding");
    // The runtime compresses the body for clients that accept gzip (encodeBody "automatic").
    if (!range && /\bgzip\b/i.test(httpRequest.headers.get("accept-encoding") ?? "")) headers.set("content-encoding", "gzip");
  }
  if (range) {
    // Checked here as well: local R2 emulations serve the whole object for a range beyond it.
    const bytes = rangeBytes(range, object.size);
    if (!bytes) {
      await object.body.cancel();
      return unsatisfiable(object.size);
    }
    headers.set("content-range", `bytes ${bytes.start}-${bytes.end}/${object.size}`);
    return new Response(object.body, { status: 206, headers });
  }
  if (!headers.has("content-encoding")) headers.set("content-length", String(object.size));
  return new Response(object.body, { headers });
}

/**
 * The gateway's playback route at the edge: GET/HEAD /v/<expiry>/<token>/<video id>/<path>
 * with the same tokens (403 expired or forged), objects streamed from the R2 binding under
 * videos/<video id>/ only (404 when missing), ranges, CORS, and no redirects. Unlike the
 * gateway it has no database: a deleted or unfinished video is "missing files".
 */
export default {
  async fetch(httpRequest: Request, env: Env): Promise<Response> {
    const cors = { "access-control-allow-origin": env.PLAYBACK_CORS_ORIGIN ?? "*", "access-control-expose-headers": PLAYBACK_EXPOSED_HEADERS };
    if (httpRequest.method === "OPTIONS") {
      return new Response(null, {
        status: 204,
        headers: { ...cors, "access-control-allow-methods": "GET, HEAD, OPTIONS", "access-control-allow-headers": "Range", "access-control-max-age": "86400" },
      });
    }
    if (httpRequest.method !== "GET" && httpRequest.method !== "HEAD") return text(405, "only GET and HEAD", { ...cors, allow: "GET, HEAD, OPTIONS" });
    const request = parsePlaybackPath(new URL(httpRequest.url).pathname);
    if (!request) return text(400, "not a playback path: /v/<expiry>/<token>/<video id>/<file>", cors);
    const check = await verifyPlaybackToken(keyringOf(env), request.videoId, request.expiry, request.token);
    if (!check.ok) return text(403, check.reason === "expired" ? "this playback URL has expired" : "this playback URL is not valid", cors);
    return serve(env, httpRequest, request, cors);
  },
} satisfies ExportedHandler<Env>;
