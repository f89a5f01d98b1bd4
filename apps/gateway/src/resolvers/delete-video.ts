import { deleteVideo as remove } from "@aq/pipeline";
import type { MutationResolvers } from "../generated/resolvers.js";
import { videoIdArg } from "../graphql/ids.js";

export const deleteVideo: MutationResolvers["deleteVideo"] = async (_parent, args, { runtime, log }) => {
  const id = videoIdArg(args.id);
  const { removed } = await remove({ db: runtime.db, storage: runtime.storage, log }, id);
  log.info({ videoId: id, objects: removed }, "video deleted");
  return true;
};
