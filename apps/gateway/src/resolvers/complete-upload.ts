import { getVideo, transitionVideo } from "@aq/platform/db";
import { headObject } from "@aq/platform/storage";
import type { MutationResolvers } from "../generated/resolvers.js";
import { badInput, notFound } from "../graphql/errors.js";
import { videoIdArg } from "../graphql/ids.js";

/**
 * awaiting_upload -> uploaded once the object is in the bucket with the declared size. Calling
 * it again after that returns the video as it is, so a client may safely retry.
 */
export const completeVideoUpload: MutationResolvers["completeVideoUpload"] = async (_parent, args, { runtime, log }) => {
  const id = videoIdArg(args.id);
  const video = await getVideo(runtime.db, id);
  if (!video) throw notFound(`no video with id ${id}`);
  if (video.status === "deleted") throw badInput(`video ${id} has been deleted`);
  if (video.sourceKind !== "upload") throw badInput(`video ${id} was created from a source URL; it has no upload to complete`);
  if (video.status !== "awaiting_upload") return video;

  const object = await headObject(runtime.storage, video.sourceLocation);
  if (!object) throw badInput(`nothing has been uploaded for video ${id} yet: PUT the file to the upload URL first`, "SOURCE_NOT_FOUND");
  if (video.sourceSizeBytes !== null && object.size !== video.sourceSizeBytes) {
    throw badInput(`the uploaded file is ${object.size} bytes but ${video.sourceSizeBytes} were declared; upload it again`, "UPLOAD_MISMATCH");
  }
  const updated = await transitionVideo(runtime.db, { id, from: "awaiting_upload", to: "uploaded", detail: "upload completed" });
  if (updated) {
    log.info({ videoId: id, sizeBytes: object.size }, "upload completed");
    return updated;
  }
  // Another request completed (or deleted) it in between.
  const current = await getVideo(runtime.db, id);
  if (!current) throw notFound(`no video with id ${id}`);
  return current;
};
