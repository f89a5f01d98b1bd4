import { rateControlArgs, rungRateControl, type RenditionPlan } from "@aq/media";

/**
 * A point on a rate-quality curve. "guide": the guide's fixed bit rates times `scale`. "crf":
 * capped CRF (AQ's rate control, packages/media rate-control.ts) at this CRF, capped at the rung.
 */
export type RatePoint = { kind: "guide"; scale: number } | { kind: "crf"; crf: number };

/** A video rate-control option of one output stream (`-b:v:0`, `-crf:v:1`, ...). */
const PER_STREAM_RATE = /^-(b|crf|maxrate|bufsize):v:\d+$/;

/**
 * AQ's encode arguments with capped CRF at `crf` on every rendition, whatever rate control
 * buildEncodeArgs chose: its per-stream rate options are replaced where they stood.
 */
export function withCrf(args: string[], plan: RenditionPlan[], crf: number): string[] {
  const at = args.findIndex((a) => PER_STREAM_RATE.test(a));
  if (at < 0) throw new Error("AQ's encode arguments hold no per-stream rate control; update the bench's rewrite");
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (PER_STREAM_RATE.test(args[i]!)) i++;
    else rest.push(args[i]!);
  }
  // Nothing before the first per-stream option was removed, so `at` is still where they stood.
  return [...rest.slice(0, at), ...plan.flatMap((rung, i) => rateControlArgs(i, rungRateControl(rung, crf))), ...rest.slice(at)];
}
