import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { Logger } from "@aq/platform/log";
import {
  isPlaylist,
  isSingleByteRange,
  parsePlaybackPath,
  PLAYBACK_EXPOSED_HEADERS,
  playbackCacheControl,
  playbackContentDisposition,
  playbackContentType,
  verifyPlaybackToken,
  type PlaybackKeyring,
  type PlaybackRequest,
} from "@aq/platform/playback";
import { getObjectStream, headObject, isInvalidRangeError, type Storage } from "@aq/platform/storage";
import type { VideoAvailability } from "./video-availability.js";

export interface PlaybackRouteDeps {
  keyring: PlaybackKeyring;
  storage: Storage;
  availability: VideoAvailability;
  log: Logger;
  corsOrigin: string;
}

function corsHeaders(origin: string): Record<string, string> {
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": PLAYBACK_EXPOSED_HEADERS,
  };
}

function sendStatus(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...headers, "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
  res.end(`${message}\n`);
}

function acceptsGzip(req: IncomingMessage): boolean {
  return /\bgzip\b/i.test(req.headers["accept-encoding"] ?? "");
}

async function authorize(
  deps: PlaybackRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  cors: Record<string, string>,
): Promise<PlaybackRequest | null> {
  const pathname = (req.url ?? "/").split("?")[0] ?? "/";
  const request = parsePlaybackPath(pathname);
  if (!request) {
    sendStatus(res, 400, "not a playback path: /v/<expiry>/<token>/<video id>/<file>", cors);
    return null;
  }
  const check = await verifyPlaybackToken(deps.keyring, request.videoId, request.expiry, request.token);
  if (!check.ok) {
    sendStatus(res, 403, check.reason === "expired" ? "this playback URL has expired" : "this playback URL is not valid", cors);
    return null;
  }
  if (!(await deps.availability.isPlayable(request.videoId))) {
    sendStatus(res, 404, "no such video", cors);
    return null;
  }
  return request;
}

function disposition(request: PlaybackRequest): Record<string, string> {
  const value = playbackContentDisposition(request);
  return value ? { "content-disposition": value } : {};
}

async function serveHead(
  deps: PlaybackRouteDeps,
  res: ServerResponse,
  request: PlaybackRequest,
  cors: Record<string, string>,
): Promise<void> {
  const head = await headObject(deps.storage, request.key);
  if (!head) return sendStatus(res, 404, "no such file", cors);
  res.writeHead(200, {
    ...cors,
    "content-type": playbackContentType(request.key, head.contentType),
    "content-length": String(head.size),
    "accept-ranges": "bytes",
    "cache-control": playbackCacheControl(request.key, request.expiry),
    "x-content-type-options": "nosniff",
    ...disposition(request),
  });
  res.end();
}

async function serveGet(
  deps: PlaybackRouteDeps,
  req: IncomingMessage,
  res: ServerResponse,
  request: PlaybackRequest,
  cors: Record<string, string>,
): Promise<void> {
  const rangeHeader = req.headers.range;
  const range = isSingleByteRange(rangeHeader) ? rangeHeader : undefined;
  let object;
  try {
    object = await getObjectStream(deps.storage, request.key, range);
  } catch (error) {
    if (!isInvalidRangeError(error)) throw error;
    const head = await headObject(deps.storage, request.key);
    return sendStatus(res, 416, "the requested range is not satisfiable", { ...cors, "content-range": `bytes */${head?.size ?? "*"}` });
  }
  if (!object) return sendStatus(res, 404, "no such file", cors);

  const playlist = isPlaylist(request.key);
  const headers: Record<string, string> = {
    ...cors,
    "content-type": playbackContentType(request.key, object.contentType),
    "accept-ranges": "bytes",
    "cache-control": playbackCacheControl(request.key, request.expiry),
    "x-content-type-options": "nosniff",
    ...disposition(request),
  };
  if (object.etag) headers.etag = object.etag;
  if (playlist) headers.vary = "Accept-Encoding";

  if (!range && object.etag && req.headers["if-none-match"] === object.etag) {
    object.body.destroy();
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gzip = playlist && !range && acceptsGzip(req);
  if (gzip) {
    headers["content-encoding"] = "gzip";
  } else if (object.contentLength !== undefined) {
    headers["content-length"] = String(object.contentLength);
  }
  if (object.contentRange) headers["content-range"] = object.contentRange;
  res.writeHead(object.contentRange ? 206 : 200, headers);
  try {
    if (gzip) await pipeline(object.body, createGzip(), res);
    else await pipeline(object.body, res);
  } catch (error) {
    // The player went away mid-transfer, or storage failed after the headers were sent: either
    // way the response can only be cut off.
    deps.log.debug({ err: error, key: request.key }, "playback: transfer ended early");
  }
}

/**
 * GET/HEAD /v/<expiry>/<token>/<video id>/<path>: checks the token (403), that the video is
 * playable (404), then streams the object under videos/<video id>/ from storage, never
 * redirecting to it.
 */
export function playbackRoute(deps: PlaybackRouteDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const cors = corsHeaders(deps.corsOrigin);
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        ...cors,
        "access-control-allow-methods": "GET, HEAD, OPTIONS",
        "access-control-allow-headers": "Range",
        "access-control-max-age": "86400",
      });
      res.end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD")
      return sendStatus(res, 405, "only GET and HEAD", { ...cors, allow: "GET, HEAD, OPTIONS" });
    const request = await authorize(deps, req, res, cors);
    if (!request) return;
    if (req.method === "HEAD") return serveHead(deps, res, request, cors);
    return serveGet(deps, req, res, request, cors);
  };
}
