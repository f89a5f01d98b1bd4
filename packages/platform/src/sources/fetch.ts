import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { dirname } from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AqError } from "@aq/contracts";
import { getObjectStream, type Storage } from "../storage/index.js";
import type { AddressPolicy } from "./addresses.js";
import { assertSourceUrlAllowed, policyLookup } from "./url-policy.js";

export interface FetchSourceOptions extends AddressPolicy {
  /** The download is refused (declared length) or cut off (streamed length) beyond this size. */
  maxBytes: number;
  signal?: AbortSignal;
  /** Needed for s3:// sources, which must be in this storage's bucket. */
  storage?: Storage;
  maxRedirects?: number;
  /** Longest wait for the next bytes of a response. */
  idleTimeoutMs?: number;
}

export interface FetchedSource {
  bytes: number;
  contentType: string | undefined;
  /** The URL the bytes came from after redirects. */
  finalUrl: string;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

function get(url: URL, options: FetchSourceOptions): Promise<IncomingMessage> {
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      url,
      {
        lookup: policyLookup(options),
        signal: options.signal,
        timeout: options.idleTimeoutMs ?? 30_000,
        headers: { "user-agent": "aq-source-fetch/1", accept: "*/*", "accept-encoding": "identity" },
      },
      resolve,
    );
    request.on("timeout", () =>
      request.destroy(new AqError("SOURCE_FETCH_FAILED", `${url.host} sent no data for ${(options.idleTimeoutMs ?? 30_000) / 1000} s`)),
    );
    request.on("error", reject);
  });
}

function describeFailure(error: unknown, url: URL, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted || error instanceof AqError) return error;
  return new AqError("SOURCE_FETCH_FAILED", `fetching the source from ${url.host} failed: ${(error as Error).message}`, undefined, {
    cause: error,
  });
}

/** Follows redirects one hop at a time, checking every hop's URL and addresses like the first. */
async function openHttp(first: URL, options: FetchSourceOptions): Promise<{ response: IncomingMessage; url: URL }> {
  const maxRedirects = options.maxRedirects ?? 5;
  let url = first;
  for (let hop = 0; ; hop++) {
    let response: IncomingMessage;
    try {
      response = await get(url, options);
    } catch (error) {
      throw describeFailure(error, url, options.signal);
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (REDIRECT_STATUSES.has(status) && location) {
      response.resume();
      if (hop >= maxRedirects) throw new AqError("SOURCE_FETCH_FAILED", `the source URL redirects more than ${maxRedirects} times`);
      const next = new URL(location, url);
      if (next.protocol !== "http:" && next.protocol !== "https:") {
        throw new AqError("SOURCE_URL_REFUSED", `the source URL redirects to a ${next.protocol} URL, which is not allowed`);
      }
      url = (await assertSourceUrlAllowed(next.href, options)).url;
      continue;
    }
    if (status >= 200 && status < 300) return { response, url };
    response.resume();
    const code = status === 404 || status === 410 ? "SOURCE_NOT_FOUND" : "SOURCE_FETCH_FAILED";
    throw new AqError(code, `fetching the source from ${url.host} answered HTTP ${status}`, { status });
  }
}

function tooLarge(maxBytes: number): AqError {
  return new AqError("SOURCE_TOO_LARGE", `the source is larger than the limit of ${maxBytes} bytes`, { maxBytes });
}

/** Passes bytes through and fails the stream as soon as more than `maxBytes` have gone by. */
function byteLimit(maxBytes: number, counted: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      counted.bytes += chunk.length;
      done(counted.bytes > maxBytes ? tooLarge(maxBytes) : null, chunk);
    },
  });
}

/** Writes beside the target and renames, so a failed fetch never leaves a truncated file under its name. */
async function writeLimited(body: Readable, path: string, options: FetchSourceOptions): Promise<number> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.part`;
  const counted = { bytes: 0 };
  try {
    await pipeline(body, byteLimit(options.maxBytes, counted), createWriteStream(partial), { signal: options.signal });
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return counted.bytes;
}

function declaredLength(value: string | number | undefined): number | undefined {
  const length = typeof value === "string" ? Number(value) : value;
  return length !== undefined && Number.isFinite(length) ? length : undefined;
}

/**
 * Downloads a source URL to a local file: http(s) with every redirect hop re-checked against
 * the address policy, or s3://<bucket>/<key> from the configured bucket. Refusals and remote
 * failures are AqErrors (SOURCE_URL_REFUSED, SOURCE_NOT_FOUND, SOURCE_TOO_LARGE,
 * SOURCE_FETCH_FAILED); an abort through `signal` rethrows the abort reason.
 */
export async function fetchSourceToFile(input: string, path: string, options: FetchSourceOptions): Promise<FetchedSource> {
  const source = await assertSourceUrlAllowed(input, options);
  if (source.kind === "s3") {
    if (!options.storage || source.bucket !== options.storage.bucket) {
      throw new AqError("SOURCE_URL_REFUSED", "s3:// sources must be in the service's own bucket");
    }
    const object = await getObjectStream(options.storage, source.key);
    if (!object) throw new AqError("SOURCE_NOT_FOUND", `no object ${source.key} in the bucket`);
    if ((declaredLength(object.contentLength) ?? 0) > options.maxBytes) {
      object.body.destroy();
      throw tooLarge(options.maxBytes);
    }
    const bytes = await writeLimited(object.body, path, options);
    return { bytes, contentType: object.contentType, finalUrl: source.url.href };
  }

  const { response, url } = await openHttp(source.url, options);
  if ((declaredLength(response.headers["content-length"]) ?? 0) > options.maxBytes) {
    response.destroy();
    throw tooLarge(options.maxBytes);
  }
  try {
    const bytes = await writeLimited(response, path, options);
    return { bytes, contentType: response.headers["content-type"], finalUrl: url.href };
  } catch (error) {
    throw describeFailure(error, url, options.signal);
  }
}
