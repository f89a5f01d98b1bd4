import { retryVideo as retry } from "@aq/pipeline";
import type { MutationResolvers } from "../generated/resolvers.js";
import { videoIdArg } from "../graphql/ids.js";

export const retryVideo: MutationResolvers["retryVideo"] = async (_parent, args, { runtime, log }) => {
  const id = videoIdArg(args.id);
  const { video, action } = await retry(runtime.db, id, { stuckAfterSeconds: runtime.config.STUCK_AFTER_SECONDS });
  log.info({ videoId: id, action, status: video.status }, "retry requested");
  return video;
};
