import { AqError, isVideoId } from "@aq/contracts";

/** Checks an id's format before it reaches SQL, storage keys or NATS subjects. */
export function videoIdArg(id: string): string {
  if (!isVideoId(id)) throw new AqError("INVALID_VIDEO_ID", `"${id.slice(0, 80)}" is not a video id (1-64 letters, digits, '-' or '_')`);
  return id;
}
