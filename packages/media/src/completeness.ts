import { AqError } from "@aq/contracts";

/** Streams may end a little apart (audio priming, the last frame's duration): allow that much. */
const TOLERANCE_SECONDS = 1;
const TOLERANCE_FRACTION = 0.05;

/**
 * A damaged or truncated source can pass the probe (its index states the full duration) and
 * ffmpeg still exits 0 after decoding what is there. The output must cover the source.
 */
export function assertOutputCoversSource(outputSeconds: number, sourceSeconds: number | null, details: Record<string, unknown> = {}): void {
  if (sourceSeconds === null || sourceSeconds <= 0) return;
  const missing = sourceSeconds - outputSeconds;
  if (missing <= Math.max(TOLERANCE_SECONDS, sourceSeconds * TOLERANCE_FRACTION)) return;
  throw new AqError(
    "ENCODE_INCOMPLETE",
    `only ${outputSeconds.toFixed(1)} s of the ${sourceSeconds.toFixed(1)} s source could be encoded: the source is damaged or truncated`,
    { outputSeconds, sourceSeconds, ...details },
  );
}
