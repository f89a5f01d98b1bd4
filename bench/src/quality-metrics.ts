import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parse, types } from "hls-parser";
import { peakSegmentBitrate, playlistName, runFfmpeg, type RenditionPlan } from "@aq/media";
import type { QualityRung } from "./results.js";

interface RungSizes {
  bytes: number;
  averageKbps: number;
  peakKbps: number;
  masterBandwidthKbps: number;
}

async function readPlaylist(path: string): Promise<types.MasterPlaylist | types.MediaPlaylist> {
  return parse(await readFile(path, "utf8"));
}

/** Bytes, average and peak segment bit rate (RFC 8216bis), and the master playlist's BANDWIDTH, of each rendition. */
export async function measureSizes(outDir: string, plan: RenditionPlan[]): Promise<Map<string, RungSizes>> {
  const master = await readPlaylist(join(outDir, "master.m3u8"));
  if (!master.isMasterPlaylist) throw new Error(`${outDir}/master.m3u8 is not a master playlist`);
  const sizes = new Map<string, RungSizes>();
  for (const rung of plan) {
    const media = await readPlaylist(join(outDir, playlistName(rung)));
    if (media.isMasterPlaylist) throw new Error(`${playlistName(rung)} is a master playlist`);
    const segments = await Promise.all(
      media.segments.map(async (s) => ({ uri: s.uri, durationSeconds: s.duration, bytes: (await stat(join(outDir, s.uri))).size })),
    );
    const bytes = segments.reduce((n, s) => n + s.bytes, 0);
    const seconds = segments.reduce((n, s) => n + s.durationSeconds, 0);
    const variant = master.variants.find((v) => v.uri === playlistName(rung));
    sizes.set(rung.name, {
      bytes,
      averageKbps: (bytes * 8) / seconds / 1000,
      peakKbps: peakSegmentBitrate(segments, media.targetDuration) / 1000,
      masterBandwidthKbps: (variant?.bandwidth ?? 0) / 1000,
    });
  }
  return sizes;
}

interface RungQuality {
  psnrY: number;
  psnrAll: number;
  ssimY: number;
  ssimAll: number;
}

/**
 * PSNR and SSIM of every rendition against the source scaled to the rendition's size with the
 * encoders' own scaler (bicubic), so the figures measure what the encode lost. One ffmpeg run
 * decodes the source once; both sides start at 0 so the filters pair frames by time.
 */
export async function measureQuality(sourcePath: string, outDir: string, plan: RenditionPlan[], logFile: string): Promise<Map<string, RungQuality>> {
  const first = plan[0];
  if (!first) throw new Error("no renditions to measure");
  const chains = [`[0:v]fps=fps=${first.frameRateText},setpts=PTS-STARTPTS,split=${plan.length}${plan.map((_, i) => `[s${i}]`).join("")}`];
  const maps: string[] = [];
  plan.forEach((r, i) => {
    chains.push(
      `[s${i}]scale=w=${r.width}:h=${r.height}:flags=bicubic,setsar=1,format=yuv420p,split[r${i}a][r${i}b]`,
      `[${i + 1}:v]setpts=PTS-STARTPTS,setsar=1,format=yuv420p,split[d${i}a][d${i}b]`,
      `[d${i}a][r${i}a]ssim@r${r.name}[q${i}s]`,
      `[d${i}b][r${i}b]psnr@r${r.name}[q${i}p]`,
    );
    maps.push("-map", `[q${i}s]`, "-map", `[q${i}p]`);
  });
  await runFfmpeg({
    args: [
      "-hide_banner",
      "-nostdin",
      "-nostats",
      "-i",
      sourcePath,
      ...plan.flatMap((r) => ["-i", join(outDir, playlistName(r))]),
      "-filter_complex",
      chains.join(";"),
      ...maps,
      "-f",
      "null",
      "-",
    ],
    logFile,
    label: "quality",
    failureCode: "ENCODE_FAILED",
  });
  return parseQualityLog(await readFile(logFile, "utf8"), plan);
}

/** The summaries ffmpeg's ssim and psnr filters print at the end, by instance name (`ssim@r720p`). */
export function parseQualityLog(log: string, plan: Pick<RenditionPlan, "name">[]): Map<string, RungQuality> {
  const result = new Map<string, RungQuality>();
  for (const rung of plan) {
    const ssim = new RegExp(`\\[ssim@r${rung.name} @ [^\\]]+\\] SSIM Y:([\\d.]+) .*All:([\\d.]+)`).exec(log);
    const psnr = new RegExp(`\\[psnr@r${rung.name} @ [^\\]]+\\] PSNR y:([\\d.]+|inf) .*average:([\\d.]+|inf)`).exec(log);
    if (!ssim || !psnr) throw new Error(`ffmpeg printed no SSIM/PSNR summary for ${rung.name}`);
    result.set(rung.name, { ssimY: Number(ssim[1]), ssimAll: Number(ssim[2]), psnrY: toDb(psnr[1]!), psnrAll: toDb(psnr[2]!) });
  }
  return result;
}

/** "inf" (identical pictures) is reported as 100 dB so the JSON stays numeric. */
function toDb(text: string): number {
  return text === "inf" ? 100 : Number(text);
}

/** `declared`: "master" for ffmpeg's own master playlist (the guide's, docs/encoding-guide.md §4), "ladder" for AQ's planned peak. */
export function qualityRungs(
  plan: RenditionPlan[],
  sizes: Map<string, RungSizes>,
  quality: Map<string, RungQuality>,
  declared: "master" | "ladder",
): QualityRung[] {
  return plan.map((r) => {
    const size = sizes.get(r.name);
    const q = quality.get(r.name);
    if (!size || !q) throw new Error(`no measurement for ${r.name}`);
    const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
    return {
      name: r.name,
      width: r.width,
      height: r.height,
      targetKbps: r.videoBitrateKbps,
      declaredBandwidthKbps: declared === "master" ? round(size.masterBandwidthKbps) : r.bandwidth / 1000,
      bytes: size.bytes,
      averageKbps: round(size.averageKbps),
      peakKbps: round(size.peakKbps),
      psnrY: round(q.psnrY, 2),
      psnrAll: round(q.psnrAll, 2),
      ssimY: round(q.ssimY, 5),
      ssimAll: round(q.ssimAll, 5),
    };
  });
}
