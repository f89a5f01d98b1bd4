import {
  isImmutable,
  isPlaylist,
  isSingleByteRange,
  parsePlaybackKeys,
  parsePlaybackPath,
  PLAYBACK_EXPOSED_HEADERS,
  playbackCacheControl,
  playbackContentDisposition,
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
  return new Response(`${message}\n`, {
    status,
    headers: { ...headers, "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
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
  const disposition = playbackContentDisposition(request);
  if (disposition) headers.set("content-disposition", disposition);
  return headers;
}

/**
 * Whether a request's If-Match / If-Unmodified-Since fails for this object (RFC 9110 13.2.2:
 * 412), as opposed to If-None-Match / If-Modified-Since (304). R2 reports both the same way.
 */
function failsWritePrecondition(httpRequest: Request, object: R2Object): boolean {
  const ifMatch = httpRequest.headers.get("if-match");
  if (ifMatch !== null) {
    const tags = ifMatch.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
    return !tags.includes("*") && !tags.includes(object.httpEtag);
  }
  const ifUnmodifiedSince = Date.parse(httpRequest.headers.get("if-unmodified-since") ?? "");
  return !Number.isNaN(ifUnmodifiedSince) && object.uploaded.getTime() > ifUnmodifiedSince + 999;
}

/** Whether If-None-Match (or, without it, If-Modified-Since) finds the client's copy current: 304. */
function clientCopyCurrent(httpRequest: Request, object: R2Object): boolean {
  const ifNoneMatch = httpRequest.headers.get("if-none-match");
  if (ifNoneMatch !== null) {
    const tags = ifNoneMatch.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
    return tags.includes("*") || tags.includes(object.httpEtag);
  }
  const ifModifiedSince = Date.parse(httpRequest.headers.get("if-modified-since") ?? "");
  return !Number.isNaN(ifModifiedSince) && object.uploaded.getTime() <= ifModifiedSince + 999;
}

/** Segments are cached at the edge under their object key (not the tokenized URL), after the token check. */
const cacheKeyFor = (key: string) => new Request(`https://edge-cache.aq.invalid/${key}`);

/** A whole-object GET of an immutable object with no conditions: the one request the edge cache answers. */
function cacheable(httpRequest: Request, request: PlaybackRequest): boolean {
  if (httpRequest.method !== "GET" || !isImmutable(request.key)) return false;
  return !["range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since"].some((name) => httpRequest.headers.has(name));
}

async function serve(
  env: Env,
  ctx: ExecutionContext,
  httpRequest: Request,
  request: PlaybackRequest,
  cors: Record<string, string>,
): Promise<Response> {
  const useCache = cacheable(httpRequest, request);
  if (useCache) {
    const hit = await caches.default.match(cacheKeyFor(request.key));
    if (hit) {
      const headers = new Headers(cors);
      for (const name of ["content-type", "content-length", "etag"]) headers.set(name, hit.headers.get(name) ?? "");
      headers.set("cache-control", playbackCacheControl(request.key, request.expiry));
      headers.set("accept-ranges", "bytes");
      headers.set("x-content-type-options", "nosniff");
      return new Response(hit.body, { headers });
    }
  }

  if (httpRequest.method === "HEAD") {
    const head = await env.BUCKET.head(request.key);
    if (!head) return text(404, "no such file", cors);
    // A HEAD answers as its GET would (RFC 9110 9.3.2), preconditions included; R2's head takes none.
    if (failsWritePrecondition(httpRequest, head)) return text(412, "the precondition failed", cors);
    const headers = objectHeaders(request, head, cors);
    if (clientCopyCurrent(httpRequest, head)) return new Response(null, { status: 304, headers });
    headers.set("content-length", String(head.size));
    return new Response(null, { headers });
  }

  const range = parseByteRange(httpRequest.headers.get("range"));
  const unsatisfiable = (size: number) =>
    text(416, "the requested range is not satisfiable", { ...cors, "content-range": `bytes */${size}` });
  let object: R2Object | R2ObjectBody | null;
  try {
    object = await env.BUCKET.get(request.key, { range: range ?? undefined, onlyIf: httpRequest.headers });
  } catch (error) {
    if (!range) throw error;
    // R2 refuses a range outside the object.
    const head = await env.BUCKET.head(request.key);
    if (!head) return text(404, "no such file", cors);
    return unsatisfiable(head.size);
  }
  if (!object) return text(404, "no such file", cors);
  const headers = objectHeaders(request, object, cors);
  // Without a body a precondition stopped the read: If-Match / If-Unmodified-Since failed
  // (412), or If-None-Match / If-Modified-Since found the client's copy current (304).
  if (!("body" in object)) {
    if (failsWritePrecondition(httpRequest, object)) return text(412, "the precondition failed", cors);
    return new Response(null, { status: 304, headers });
  }

  if (isPlaylist(request.key)) {
    headers.set("vary", "Accept-Encoding");
    // The runtime compresses the body for clients that accept gzip (encodeBody "automatic").
    if (!range && /\bgzip\b/i.test(httpRequest.headers.get("accept-encoding") ?? "")) headers.set("content-encoding", "gzip");
  }
  if (range) {
    // The range R2 served (it returns fewer bytes than asked past the end), checked here as
    // well: local R2 emulations serve the whole object for a range beyond it.
    const bytes = rangeBytes(object.range ?? range, object.size);
    if (!bytes) {
      await object.body.cancel();
      return unsatisfiable(object.size);
    }
    headers.set("content-range", `bytes ${bytes.start}-${bytes.end}/${object.size}`);
    return new Response(object.body, { status: 206, headers });
  }
  if (!headers.has("content-encoding")) headers.set("content-length", String(object.size));
  if (useCache) {
    const [toClient, toCache] = object.body.tee();
    const cached = new Headers({
      "content-type": headers.get("content-type")!,
      "content-length": String(object.size),
      etag: object.httpEtag,
    });
    cached.set("cache-control", "public, max-age=31536000, immutable");
    ctx.waitUntil(caches.default.put(cacheKeyFor(request.key), new Response(toCache, { headers: cached })));
    return new Response(toClient, { headers });
  }
  return new Response(object.body, { headers });
}

/**
 * The gateway's playback route at the edge: GET/HEAD /v/<expiry>/<token>/<video id>/<path>
 * with the same tokens (403 expired or forged), objects streamed from the R2 binding under
 * videos/<video id>/ only (404 when missing), ranges, CORS, and no redirects. Unlike the
 * gateway it has no database: a deleted or unfinished video is "missing files". Segments
 * (immutable) are kept in the edge cache, so repeated plays do not each read R2; a deleted
 * video's cached segments stay reachable only with a token issued before it was deleted,
 * until that token expires (its playlists are not cached).
 */
export default {
  async fetch(httpRequest: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const cors = {
      "access-control-allow-origin": env.PLAYBACK_CORS_ORIGIN ?? "*",
      "access-control-expose-headers": PLAYBACK_EXPOSED_HEADERS,
    };
    if (httpRequest.method === "OPTIONS") {
      return new Response(null, {
        status: 204,
        headers: {
          ...cors,
          "access-control-allow-methods": "GET, HEAD, OPTIONS",
          "access-control-allow-headers": "Range",
          "access-control-max-age": "86400",
        },
      });
    }
    if (httpRequest.method !== "GET" && httpRequest.method !== "HEAD")
      return text(405, "only GET and HEAD", { ...cors, allow: "GET, HEAD, OPTIONS" });
    const request = parsePlaybackPath(new URL(httpRequest.url).pathname);
    if (!request) return text(400, "not a playback path: /v/<expiry>/<token>/<video id>/<file>", cors);
    const check = await verifyPlaybackToken(keyringOf(env), request.videoId, request.expiry, request.token);
    if (!check.ok) return text(403, check.reason === "expired" ? "this playback URL has expired" : "this playback URL is not valid", cors);
    return serve(env, ctx, httpRequest, request, cors);
  },
} satisfies ExportedHandler<Env>;
