import { addCaption as add, completeCaptionUpload as complete, removeCaption as remove, type CaptionDeps } from "@aq/pipeline";
import type { CaptionTrackResolvers, MutationResolvers } from "../generated/resolvers.js";
import type { GatewayContext } from "../graphql/context.js";
import { videoIdArg } from "../graphql/ids.js";
import { captionFile } from "@aq/contracts";
import { signedFile } from "./signed-file.js";

function captionDeps({ runtime }: GatewayContext): CaptionDeps {
  return {
    db: runtime.db,
    storage: runtime.storage,
    uploadStorage: runtime.uploadStorage,
    uploadUrlTtlSeconds: runtime.config.UPLOAD_URL_TTL_SECONDS,
  };
}

export const captionMutations: Pick<MutationResolvers, "addCaption" | "completeCaptionUpload" | "removeCaption"> = {
  addCaption: async (_parent, { input }, context) => {
    const videoId = videoIdArg(input.videoId);
    const { upload } = await add(captionDeps(context), videoId, { language: input.language, sizeBytes: input.sizeBytes });
    context.log.info({ videoId, language: input.language }, "caption upload started");
    return {
      upload: {
        url: upload.url,
        method: upload.method,
        headers: Object.entries(upload.headers).map(([name, value]) => ({ name, value })),
        expiresAt: upload.expiresAt.toISOString(),
      },
    };
  },
  completeCaptionUpload: async (_parent, { videoId, language, label }, context) => {
    const video = await complete(captionDeps(context), videoIdArg(videoId), language, label);
    context.log.info({ videoId: video.id, language }, "caption track published");
    return video;
  },
  removeCaption: async (_parent, { videoId, language }, context) => {
    const video = await remove(captionDeps(context), videoIdArg(videoId), language);
    context.log.info({ videoId: video.id, language }, "caption track removed");
    return video;
  },
};

export const CaptionTrack: CaptionTrackResolvers = {
  url: (track, { expiresInSeconds }, context) => signedFile(track.video, captionFile(track.language), expiresInSeconds, context),
};
