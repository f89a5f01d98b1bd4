import { abortVideoUpload as abort, resumeVideoUpload as resume, signUploadParts as sign, type MultipartUploadPlan } from "@aq/pipeline";
import type { StoredPart } from "@aq/platform/storage";
import type { MultipartUpload, MutationResolvers } from "../generated/resolvers.js";
import { videoIdArg } from "../graphql/ids.js";

/** The API's form of a multipart upload's plan and the parts the bucket holds. */
export function multipartUploadOf(plan: MultipartUploadPlan, parts: readonly StoredPart[]): MultipartUpload {
  return {
    partBytes: plan.partBytes,
    lastPartBytes: plan.lastPartBytes,
    partCount: plan.partCount,
    expiresAt: plan.expiresAt.toISOString(),
    uploadedParts: parts.map((part) => ({ partNumber: part.partNumber, sizeBytes: part.size, etag: part.etag })),
  };
}

export const signUploadParts: MutationResolvers["signUploadParts"] = async (_parent, args, { runtime }) => {
  const parts = await sign(
    { db: runtime.db, uploadStorage: runtime.uploadStorage, uploadUrlTtlSeconds: runtime.config.UPLOAD_URL_TTL_SECONDS },
    videoIdArg(args.id),
    args.partNumbers,
  );
  return parts.map((part) => ({
    partNumber: part.partNumber,
    url: part.url,
    method: "PUT",
    headers: Object.entries(part.headers).map(([name, value]) => ({ name, value })),
    expiresAt: part.expiresAt.toISOString(),
  }));
};

export const resumeVideoUpload: MutationResolvers["resumeVideoUpload"] = async (_parent, args, { runtime }) => {
  const { plan, parts } = await resume(runtime, videoIdArg(args.id));
  return multipartUploadOf(plan, parts);
};

export const abortVideoUpload: MutationResolvers["abortVideoUpload"] = async (_parent, args, { runtime, log }) => {
  const video = await abort({ db: runtime.db, storage: runtime.storage, log }, videoIdArg(args.id));
  log.info({ videoId: video.id }, "upload aborted");
  return video;
};
