import { createVideo as create } from "@aq/pipeline";
import type { MutationResolvers } from "../generated/resolvers.js";

export const createVideo: MutationResolvers["createVideo"] = async (_parent, { input }, { runtime, log }) => {
  const { config } = runtime;
  const { video, upload } = await create(
    {
      db: runtime.db,
      storage: runtime.storage,
      uploadStorage: runtime.uploadStorage,
      maxSourceBytes: config.MAX_SOURCE_BYTES,
      uploadUrlTtlSeconds: config.UPLOAD_URL_TTL_SECONDS,
      allowPrivateSources: config.SOURCE_URL_ALLOW_PRIVATE,
      mp4DownloadDefault: config.MP4_DOWNLOAD_DEFAULT,
    },
    input,
  );
  log.info(
    { videoId: video.id, sizeBytes: input.upload?.sizeBytes },
    upload ? "video created, awaiting upload" : "video created from a source URL",
  );
  return {
    video,
    upload: upload && {
      url: upload.url,
      method: upload.method,
      headers: Object.entries(upload.headers).map(([name, value]) => ({ name, value })),
      expiresAt: upload.expiresAt.toISOString(),
    },
  };
};
