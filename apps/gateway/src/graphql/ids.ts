import { isVideoId } from "@aq/contracts";
import { badInput } from "./errors.js";

/** Checks an id's format before it reaches SQL, storage keys or NATS subjects. */
export function videoIdArg(id: string): string {
  if (!isVideoId(id)) throw badInput(`"${id.slice(0, 80)}" is not a video id (1-64 letters, digits, '-' or '_')`, "INVALID_VIDEO_ID");
  return id;
}
