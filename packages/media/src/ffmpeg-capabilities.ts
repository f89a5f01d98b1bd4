import { execa } from "execa";
import { AqError } from "@aq/contracts";

let filters: Promise<Set<string>> | undefined;

/** Names of the filters this ffmpeg build has (`ffmpeg -filters`), read once per process. */
export function availableFilters(): Promise<Set<string>> {
  filters ??= readFilters().catch((error: unknown) => {
    filters = undefined;
    throw error;
  });
  return filters;
}

async function readFilters(): Promise<Set<string>> {
  const result = await execa("ffmpeg", ["-hide_banner", "-nostdin", "-filters"], { reject: false, stdin: "ignore", timeout: 30_000 });
  if (result.code === "ENOENT") throw new AqError("FFMPEG_MISSING", "ffmpeg is not installed or not on PATH");
  if (result.exitCode !== 0) throw new AqError("FFMPEG_MISSING", `ffmpeg -filters failed: ${String(result.stderr).slice(0, 300)}`);
  const names = new Set<string>();
  for (const line of String(result.stdout).split("\n")) {
    // " TSC zscale            V->V       Apply resizing, ..."
    const match = /^\s[.A-Z|]{3}\s+(\w+)\s+\S+->\S+/.exec(line);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}

/** HDR (PQ/HLG) sources are tone-mapped to SDR BT.709 with zscale + tonemap when both exist. */
export async function canToneMap(): Promise<boolean> {
  const names = await availableFilters();
  return names.has("zscale") && names.has("tonemap");
}
