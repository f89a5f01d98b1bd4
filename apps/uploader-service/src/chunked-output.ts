import { AqError, assetFiles, CAPTIONS_DIR, MASTER_PLAYLIST } from "@aq/contracts";
import { getChunks, type VideoRow } from "@aq/platform/db";
import { listPrefix, videoPrefix } from "@aq/platform/storage";
import type { StageDeps } from "@aq/pipeline";

/**
 * The store stage's check of a chunked encode, whose encoders put the output in the bucket: the
 * listing under videos/<id>/ is exactly the master, one playlist per rung, every segment the
 * chunk rows recorded, each segment with the size recorded, and every file of the row's assets
 * manifest (images/, download/, qc.json when the encoder made it), caption files aside. Throws
 * UPLOAD_MISMATCH naming every difference.
 */
export async function verifyChunkedOutput(deps: StageDeps, video: VideoRow): Promise<void> {
  const prefix = videoPrefix(video.id);
  const chunks = await getChunks(deps.db, video.id);
  const expected = new Map<string, number | null>([[prefix + MASTER_PLAYLIST, null]]);
  for (const chunk of chunks) {
    for (const rendition of chunk.renditions ?? []) {
      expected.set(`${prefix}${rendition.name}.m3u8`, null);
      for (const segment of rendition.segments) expected.set(prefix + segment.uri, segment.bytes);
    }
  }
  // The assets the encoder made once the chunks were done (their sizes were checked when it put them there; the download's and the QC report's are on the row).
  if (video.assets) for (const path of assetFiles(video.assets)) expected.set(prefix + path, null);
  for (const file of [video.assets?.download, video.assets?.qc]) if (file) expected.set(prefix + file.path, file.bytes);
  const problems: string[] = [];
  const notDone = chunks.filter((c) => c.status !== "done").map((c) => c.index);
  if (notDone.length || chunks.length === 0) problems.push(`chunks not done: ${notDone.join(", ") || "none recorded"}`);
  // Caption files completed before READY wait under captions/: they are not the encode's.
  const captions = `${prefix}${CAPTIONS_DIR}/`;
  const listed = new Map((await listPrefix(deps.storage, prefix)).filter((o) => !o.key.startsWith(captions)).map((o) => [o.key, o.size]));
  for (const [key, bytes] of expected) {
    const size = listed.get(key);
    if (size === undefined) problems.push(`missing: ${key}`);
    else if (bytes !== null && size !== bytes) problems.push(`wrong size: ${key} (${size} bytes in the bucket, ${bytes} recorded)`);
    listed.delete(key);
  }
  for (const key of listed.keys()) problems.push(`not recorded by any chunk or the assets: ${key}`);
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
