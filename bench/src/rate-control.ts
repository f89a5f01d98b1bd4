import type { RenditionPlan } from "@aq/media";

export type RateControl = { kind: "bitrate" } | { kind: "crf"; crf: number };

/**
 * AQ's encode arguments with another rate control per rendition. "bitrate" leaves them as AQ
 * builds them (`-b:v` the rung, `-maxrate` 1.1x, `-bufsize` 2x). "crf" swaps the target for a
 * constant quality capped at the rung: `-crf N -maxrate <rung> -bufsize <2x rung>`.
 */
export function withRateControl(args: string[], plan: RenditionPlan[], rateControl: RateControl): string[] {
  if (rateControl.kind === "bitrate") return args;
  const out = [...args];
  plan.forEach((rung, i) => {
    const replace = (flag: string, newFlag: string, value: string) => {
      const at = out.indexOf(flag);
      if (at < 0 || at + 1 >= out.length) throw new Error(`AQ's encode arguments no longer contain ${flag}; update the bench's rate-control rewrite`);
      out.splice(at, 2, newFlag, value);
    };
    replace(`-b:v:${i}`, `-crf:v:${i}`, String(rateControl.crf));
    replace(`-maxrate:v:${i}`, `-maxrate:v:${i}`, `${rung.videoBitrateKbps}k`);
    replace(`-bufsize:v:${i}`, `-bufsize:v:${i}`, `${rung.videoBitrateKbps * 2}k`);
  });
  return out;
}
