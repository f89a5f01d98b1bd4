import { headObject } from "@aq/platform/storage";
import type { StageDeps } from "@aq/pipeline";

/** Whether the bucket answers (a missing object is an answer). */
export async function bucketReachable(deps: StageDeps, key: string): Promise<boolean> {
  return headObject(deps.storage, key).then(
    () => true,
    () => false,
  );
}
