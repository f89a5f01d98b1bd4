import { completeVideoUpload as complete } from "@aq/pipeline";
import type { MutationResolvers } from "../generated/resolvers.js";
import { videoIdArg } from "../graphql/ids.js";

export const completeVideoUpload: MutationResolvers["completeVideoUpload"] = async (_parent, args, { runtime, log }) => {
  const { video, completed } = await complete(runtime, videoIdArg(args.id), args.parts);
  if (completed) log.info({ videoId: video.id, sizeBytes: video.sourceSizeBytes }, "upload completed");
  return video;
};
