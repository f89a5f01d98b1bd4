import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { AqError } from "@aq/contracts";
import { QC_REPORT, SEGMENTS_DIR } from "@aq/contracts";

const OWN_TOP_LEVEL = /^(master|\d+p)\.m3u8(\.tmp)?$/;
const OWN_SEGMENT = /^\d+p_\d+\.ts(\.tmp)?$/;

/**
 * Makes `<outDir>/segments` exist and empty of earlier output (a retried encode starts clean).
 * Only files an encode writes are removed: anything else means the folder is not ours, and it is
 * left alone.
 */
export async function prepareOutputDir(outDir: string): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const foreign: string[] = [];
  const own: string[] = [];
  for (const entry of await readdir(outDir, { withFileTypes: true })) {
    if (entry.name === SEGMENTS_DIR && entry.isDirectory()) {
      for (const segment of await readdir(join(outDir, SEGMENTS_DIR), { withFileTypes: true })) {
        const relative = `${SEGMENTS_DIR}/${segment.name}`;
        (segment.isFile() && OWN_SEGMENT.test(segment.name) ? own : foreign).push(relative);
      }
    } else {
      (entry.isFile() && (OWN_TOP_LEVEL.test(entry.name) || entry.name === QC_REPORT) ? own : foreign).push(entry.name);
    }
  }
  if (foreign.length > 0) {
    throw new AqError("OUTPUT_NOT_EMPTY", `output folder ${outDir} holds files AQ did not write (${foreign.slice(0, 5).join(", ")})`, {
      files: foreign,
    });
  }
  await Promise.all(own.map((file) => rm(join(outDir, file), { force: true })));
  // ffmpeg does not create the segment folder: without it the run fails seconds into the encode.
  await mkdir(join(outDir, SEGMENTS_DIR), { recursive: true });
}
