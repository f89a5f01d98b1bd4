import {
  CompleteUploadDocument,
  ResumeUploadDocument,
  SignUploadPartsDocument,
  type MultipartUploadStateFragment,
  type SignUploadPartsMutation,
} from "./generated/graphql.js";
import { graphqlRequest, type GraphqlEndpoint } from "./request.js";

export type PartTarget = SignUploadPartsMutation["signUploadParts"][number];
export interface UploadedPartEtag {
  partNumber: number;
  etag: string;
}

/**
 * The three calls a multipart upload makes to the gateway. A browser page whose API key stays
 * on its server passes its own (server actions); other clients use gatewayUploadApi.
 */
export interface MultipartUploadApi {
  resume(videoId: string): Promise<MultipartUploadStateFragment>;
  signParts(videoId: string, partNumbers: number[]): Promise<PartTarget[]>;
  /** `parts` is null for uploads of more parts than one request may list. */
  complete(videoId: string, parts: UploadedPartEtag[] | null): Promise<unknown>;
}

export function gatewayUploadApi(endpoint: GraphqlEndpoint): MultipartUploadApi {
  return {
    resume: async (id) => (await graphqlRequest(endpoint, ResumeUploadDocument, { id })).resumeVideoUpload,
    signParts: async (id, partNumbers) => (await graphqlRequest(endpoint, SignUploadPartsDocument, { id, partNumbers })).signUploadParts,
    complete: (id, parts) => graphqlRequest(endpoint, CompleteUploadDocument, { id, parts }),
  };
}

export interface MultipartProgress {
  /** Bytes of the parts in the bucket (those there before this run included). */
  uploadedBytes: number;
  totalBytes: number;
  partsDone: number;
  partCount: number;
}

export interface UploadInPartsOptions {
  api: MultipartUploadApi;
  videoId: string;
  /** The file (a browser File, or fs.openAsBlob in Node). */
  file: Blob;
  /** Parts in flight at once (default 4). */
  concurrency?: number;
  /** Tries per part before giving up on network errors and 5xx answers (default 5). */
  attemptsPerPart?: number;
  signal?: AbortSignal;
  onProgress?(progress: MultipartProgress): void;
}

export interface UploadInPartsResult {
  /** Parts the bucket already held (a resumed upload). */
  skippedParts: number;
  /** Parts sent by this run. */
  sentParts: number;
}

/** completeVideoUpload lists ETags up to this many parts; a longer list would pass the gateway's request size limit. */
const MAX_LISTED_PARTS = 1000;

/** An upload error the caller can show: its message says what to do. */
export class MultipartUploadError extends Error {
  override name = "MultipartUploadError";
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/**
 * Uploads (or resumes) a video's multipart upload: asks the gateway which parts the bucket
 * holds, PUTs the others from `file` in parallel, retrying each with backoff (a dropped
 * connection costs one part, not the file), then completes the upload. Running it again after
 * a crash, a reload or a failure picks up where the bucket stands. The bucket's CORS rules
 * must expose the ETag header to browsers.
 */
export async function uploadInParts(options: UploadInPartsOptions): Promise<UploadInPartsResult> {
  const { api, videoId, file } = options;
  // The first part that fails for good stops the others (and so does the caller's signal).
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const attempts = Math.max(1, options.attemptsPerPart ?? 5);
  const state = await api.resume(videoId);
  const totalBytes = state.partBytes * (state.partCount - 1) + state.lastPartBytes;
  if (file.size !== totalBytes) {
    throw new MultipartUploadError(
      `the file is ${file.size} bytes, but video ${videoId} was created for ${totalBytes}: choose the same file`,
    );
  }
  const sizeOf = (n: number) => (n === state.partCount ? state.lastPartBytes : state.partBytes);
  const etags = new Map(state.uploadedParts.map((part) => [part.partNumber, part.etag]));
  const skippedParts = etags.size;
  const pending: number[] = [];
  for (let n = 1; n <= state.partCount; n++) if (!etags.has(n)) pending.push(n);
  let uploadedBytes = [...etags.keys()].reduce((sum, n) => sum + sizeOf(n), 0);
  const report = () => options.onProgress?.({ uploadedBytes, totalBytes, partsDone: etags.size, partCount: state.partCount });
  report();

  // URLs are signed a few batches ahead of the workers, so a slow upload never holds many that expire.
  const signed = new Map<number, PartTarget>();
  const batch = Math.min(100, concurrency * 4);
  async function targetFor(n: number, fresh: boolean): Promise<PartTarget> {
    const known = signed.get(n);
    if (known && !fresh && Date.parse(known.expiresAt) - Date.now() > 60_000) return known;
    const from = pending.indexOf(n);
    const numbers = fresh || from < 0 ? [n] : pending.slice(from, from + batch).filter((m) => !etags.has(m));
    for (const target of await api.signParts(videoId, numbers)) signed.set(target.partNumber, target);
    return signed.get(n)!;
  }

  async function sendPart(n: number): Promise<void> {
    const start = (n - 1) * state.partBytes;
    let fresh = false;
    for (let attempt = 1; ; attempt++) {
      const target = await targetFor(n, fresh);
      let response: Response | null = null;
      let failure = "";
      try {
        response = await fetch(target.url, {
          method: target.method,
          // Content-Length comes from the body (browsers refuse it from scripts); the signature covers it.
          headers: target.headers.filter((h) => h.name.toLowerCase() !== "content-length").map((h): [string, string] => [h.name, h.value]),
          body: file.slice(start, start + sizeOf(n)),
          signal,
        });
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        failure = `part ${n} did not reach the storage (${(error as Error).message})`;
      }
      if (response?.ok) {
        const etag = response.headers.get("etag");
        if (!etag)
          throw new MultipartUploadError("the storage did not expose the ETag header: its CORS rules must list ETag in ExposeHeaders");
        etags.set(n, etag);
        uploadedBytes += sizeOf(n);
        report();
        return;
      }
      if (response) {
        failure = `the storage answered part ${n} with HTTP ${response.status}`;
        await response.body?.cancel();
        // A 403 is most likely an expired URL: sign this part again.
        fresh = response.status === 403;
        if (response.status < 500 && response.status !== 403 && response.status !== 408 && response.status !== 429)
          throw new MultipartUploadError(failure);
      }
      if (attempt >= attempts) throw new MultipartUploadError(`${failure}; ${attempts} tries failed: run the upload again to resume it`);
      await sleep(Math.min(500 * 2 ** (attempt - 1), 8000), signal);
    }
  }

  const queue = [...pending];
  const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let n = queue.shift(); n !== undefined; n = queue.shift()) await sendPart(n);
  });
  const outcomes = await Promise.allSettled(
    workers.map((worker) => worker.catch((error: unknown) => (stop.abort(error), Promise.reject(error)))),
  );
  const failed = outcomes.find((outcome) => outcome.status === "rejected");
  if (failed) throw failed.reason;
  const parts = [...etags].sort(([a], [b]) => a - b).map(([partNumber, etag]) => ({ partNumber, etag }));
  await api.complete(videoId, parts.length <= MAX_LISTED_PARTS ? parts : null);
  return { skippedParts, sentParts: pending.length };
}
