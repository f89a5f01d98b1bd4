import { isAqError } from "@aq/contracts";
import { retryVideo as retry } from "@aq/pipeline";
import type { MutationResolvers } from "../generated/resolvers.js";
import { badInput, notFound } from "../graphql/errors.js";
import { videoIdArg } from "../graphql/ids.js";

export const retryVideo: MutationResolvers["retryVideo"] = async (_parent, args, { runtime, log }) => {
  const id = videoIdArg(args.id);
  try {
    const { video, action } = await retry(runtime.db, id, { stuckAfterSeconds: runtime.config.STUCK_AFTER_SECONDS });
    log.info({ videoId: id, action, status: video.status }, "retry requested");
    return video;
  } catch (error) {
    if (isAqError(error) && error.code === "NOT_FOUND") throw notFound(error.message);
    if (isAqError(error) && error.code === "NOT_RETRYABLE") throw badInput(error.message, error.code);
    throw error;
  }
};
