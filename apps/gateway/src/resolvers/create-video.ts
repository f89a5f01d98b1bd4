import { newVideoId } from "@aq/contracts";
import { insertVideo } from "@aq/platform/db";
import { assertSourceUrlAllowed } from "@aq/platform/sources";
import { MAX_SINGLE_PUT_BYTES, presignPut, uploadKey } from "@aq/platform/storage";
import type { GatewayRuntime } from "../deps.js";
import type { CreateVideoInput, MutationResolvers, UploadSourceInput } from "../generated/resolvers.js";
import { badInput, rethrowAsBadInput } from "../graphql/errors.js";

const MAX_TITLE_LENGTH = 200;
const MAX_FILENAME_LENGTH = 255;
/** Containers ffmpeg reads arrive as video/* or, from browsers that do not know the type, octet-stream. */
const UPLOAD_CONTENT_TYPE = /^(video\/[a-z0-9][a-z0-9.+-]{0,63}|application\/octet-stream)$/i;

function checkTitle(title: string | null | undefined): string | null {
  const trimmed = title?.trim();
  if (!trimmed) return null;
  if (trimmed.length > MAX_TITLE_LENGTH) throw badInput(`title is ${trimmed.length} characters; the limit is ${MAX_TITLE_LENGTH}`);
  return trimmed;
}

function checkUpload(upload: UploadSourceInput, maxBytes: number): void {
  const { filename, contentType, sizeBytes } = upload;
  if (!filename.trim() || filename.length > MAX_FILENAME_LENGTH || /\p{Cc}/u.test(filename)) {
    throw badInput(`upload.filename must be 1-${MAX_FILENAME_LENGTH} printable characters`);
  }
  if (!UPLOAD_CONTENT_TYPE.test(contentType)) {
    throw badInput(`upload.contentType must be a video/* type or application/octet-stream, got "${contentType.slice(0, 80)}"`);
  }
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 1) throw badInput(`upload.sizeBytes must be a positive whole number of bytes, got ${sizeBytes}`);
  if (sizeBytes > maxBytes) throw badInput(`upload.sizeBytes is ${sizeBytes}; the largest accepted source is ${maxBytes} bytes`, "SOURCE_TOO_LARGE");
  if (sizeBytes > MAX_SINGLE_PUT_BYTES) {
    // The upload target is one presigned PUT, and R2 refuses larger requests (EntityTooLarge).
    throw badInput(
      `upload.sizeBytes is ${sizeBytes}; a direct upload is one request of at most ${MAX_SINGLE_PUT_BYTES} bytes (4.995 GiB, R2's limit) and multipart uploads are not offered yet: give a sourceUrl instead`,
      "SOURCE_TOO_LARGE",
    );
  }
}

async function checkSourceUrl(runtime: GatewayRuntime, sourceUrl: string): Promise<string> {
  const source = await assertSourceUrlAllowed(sourceUrl.trim(), { allowPrivate: runtime.config.SOURCE_URL_ALLOW_PRIVATE }).catch(rethrowAsBadInput);
  if (source.kind === "s3" && source.bucket !== runtime.storage.bucket) {
    throw badInput("an s3:// sourceUrl must name the service's own bucket", "SOURCE_URL_REFUSED");
  }
  return source.url.href;
}

function exactlyOneSource(input: CreateVideoInput): void {
  const given = [input.upload, input.sourceUrl].filter((source) => source !== null && source !== undefined).length;
  if (given !== 1) throw badInput("give exactly one source: either input.upload or input.sourceUrl");
}

export const createVideo: MutationResolvers["createVideo"] = async (_parent, { input }, { runtime, log }) => {
  exactlyOneSource(input);
  const title = checkTitle(input.title);
  const id = newVideoId();
  // Millisecond timestamps set here (rather than the database's microsecond now()) keep the
  // keyset cursors of `videos`, which carry JavaScript dates, exact.
  const now = new Date();
  const times = { createdAt: now, updatedAt: now, statusChangedAt: now };

  if (input.upload) {
    checkUpload(input.upload, runtime.config.MAX_SOURCE_BYTES);
    const key = uploadKey(id, input.upload.filename);
    const target = await presignPut(runtime.uploadStorage, key, {
      contentType: input.upload.contentType,
      contentLength: input.upload.sizeBytes,
      expiresInSeconds: runtime.config.UPLOAD_URL_TTL_SECONDS,
    });
    const video = await insertVideo(runtime.db, {
      id,
      title,
      status: "awaiting_upload",
      sourceKind: "upload",
      sourceLocation: key,
      sourceSizeBytes: input.upload.sizeBytes,
      ...times,
    });
    log.info({ videoId: id, sizeBytes: input.upload.sizeBytes }, "video created, awaiting upload");
    return {
      video,
      upload: {
        url: target.url,
        method: target.method,
        headers: Object.entries(target.headers).map(([name, value]) => ({ name, value })),
        expiresAt: target.expiresAt.toISOString(),
      },
    };
  }

  const sourceUrl = await checkSourceUrl(runtime, input.sourceUrl!);
  const video = await insertVideo(runtime.db, { id, title, status: "uploaded", sourceKind: "url", sourceLocation: sourceUrl, ...times });
  log.info({ videoId: id }, "video created from a source URL");
  return { video, upload: null };
};
