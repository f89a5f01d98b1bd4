import { createVideo as create } from "@aq/pipeline";
import type { MutationResolvers } from "../generated/resolvers.js";
import { multipartUploadOf } from "./multipart-upload.js";

export const createVideo: MutationResolvers["createVideo"] = async (_parent, { input }, { runtime, log }) => {
  const { config } = runtime;
  const { video, upload, multipart } = await create(
    {
      db: runtime.db,
      storage: runtime.storage,
      uploadStorage: runtime.uploadStorage,
      maxSourceBytes: config.MAX_SOURCE_BYTES,
      uploadUrlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS,
      allowPrivateSources: config.SOURCE_URL_ALLOW_PRIVATE,
      mp4DownloadDefault: config.MP4_DOWNLOAD_DEFAULT,
      multipart: {
        thresholdBytes: config.MULTIPART_UPLOAD_THRESHOLD_BYTES,
        partBytes: config.MULTIPART_PART_BYTES,
        ttlSeconds: config.MULTIPART_UPLOAD_TTL_SECONDS,
      },
    },
    input,
  );
  log.info(
    { videoId: video.id, sizeBytes: input.upload?.sizeBytes },
    input.upload
      ? `video created, awaiting ${multipart ? `a multipart upload of ${multipart.partCount} parts` : "upload"}`
      : "video created from a source URL",
  );
  return {
    video,
    upload: upload && {
      url: upload.url,
      method: upload.method,
      headers: Object.entries(upload.headers).map(([name, value]) => ({ name, value })),
      expiresAt: upload.expiresAt.toISOString(),
    },
    multipart: multipart && multipartUploadOf(multipart, []),
  };
};
