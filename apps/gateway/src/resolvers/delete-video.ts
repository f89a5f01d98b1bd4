import { GraphQLError } from "graphql";
import { isAqError, toErrorValue, VIDEO_STATUSES } from "@aq/contracts";
import { getVideo, transitionVideo } from "@aq/platform/db";
import { deletePrefixWithRetries, uploadPrefix, videoPrefix } from "@aq/platform/storage";
import type { MutationResolvers } from "../generated/resolvers.js";
import { notFound } from "../graphql/errors.js";
import { videoIdArg } from "../graphql/ids.js";

const NOT_DELETED = VIDEO_STATUSES.filter((status) => status !== "deleted");

/**
 * Marks the video deleted first, so that no worker can move it on (their transitions are
 * compare-and-set), then removes its objects. Deleting a deleted video removes any objects
 * left behind by an earlier failure.
 */
export const deleteVideo: MutationResolvers["deleteVideo"] = async (_parent, args, { runtime, log }) => {
  const id = videoIdArg(args.id);
  const video = await getVideo(runtime.db, id);
  if (!video) throw notFound(`no video with id ${id}`);
  if (video.status !== "deleted") {
    await transitionVideo(runtime.db, { id, from: NOT_DELETED, to: "deleted", set: { progress: 0 }, detail: "deleted through the API" });
  }
  let removed = 0;
  try {
    for (const prefix of [videoPrefix(id), uploadPrefix(id)]) removed += await deletePrefixWithRetries(runtime.storage, prefix, { log });
  } catch (error) {
    if (!isAqError(error)) throw error;
    log.error({ videoId: id, code: error.code, err: toErrorValue(error) }, "video deleted, but objects remain in the bucket");
    throw new GraphQLError(`the video is deleted, but its files could not all be removed (${error.message}); call deleteVideo again to retry`, {
      extensions: { code: "STORAGE_ERROR", aqCode: error.code },
    });
  }
  log.info({ videoId: id, objects: removed }, "video deleted");
  return true;
};
