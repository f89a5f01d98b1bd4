import { AqError, MASTER_PLAYLIST } from "@aq/contracts";
import { getChunks } from "@aq/platform/db";
import { listPrefix, videoPrefix } from "@aq/platform/storage";
import type { StageDeps } from "@aq/pipeline";

/**
 * The store stage's check of a chunked encode, whose encoders put the output in the bucket: the
 * listing under videos/<id>/ is exactly the master, one playlist per rung and every segment the
 * chunk rows recorded, each segment with the size recorded. Throws UPLOAD_MISMATCH naming every
 * difference.
 */
export async function verifyChunkedOutput(deps: StageDeps, videoId: string): Promise<void> {
  const prefix = videoPrefix(videoId);
  const chunks = await getChunks(deps.db, videoId);
  const expected = new Map<string, number | null>([[prefix + MASTER_PLAYLIST, null]]);
  for (const chunk of chunks) {
    for (const rendition of chunk.renditions ?? []) {
      expected.set(`${prefix}${rendition.name}.m3u8`, null);
      for (const segment of rendition.segments) expected.set(prefix + segment.uri, segment.bytes);
    }
  }
  const problems: string[] = [];
  const notDone = chunks.filter((c) => c.status !== "done").map((c) => c.index);
  if (notDone.length || chunks.length === 0) problems.push(`chunks not done: ${notDone.join(", ") || "none recorded"}`);
  const listed = new Map((await listPrefix(deps.storage, prefix)).map((o) => [o.key, o.size]));
  for (const [key, bytes] of expected) {
    const size = listed.get(key);
    if (size === undefined) problems.push(`missing: ${key}`);
    else if (bytes !== null && size !== bytes) problems.push(`wrong size: ${key} (${size} bytes in the bucket, ${bytes} recorded)`);
    listed.delete(key);
  }
  for (const key of listed.keys()) problems.push(`not recorded by any chunk: ${key}`);
  if (problems.length) {
    throw new AqError(
      "UPLOAD_MISMATCH",
      `the chunked output under ${prefix} is not what its chunks recorded: ${problems.slice(0, 10).join("; ")}`,
      {
        problems,
      },
    );
  }
}
