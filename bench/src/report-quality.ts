import { BASE_RUNGS, SEGMENT_SECONDS } from "@aq/media";
import type { BdRateResult, QualityMetric, QualitySection, RateFamily, RatePointResult, SpeedSection } from "./results.js";

/** Targets of issue 14. */
export const TARGET_BD_RATE = -0.2;
export const MAX_P5_VMAF_DROP = 2;
export const TARGET_CPU_PER_VIDEO_MINUTE = 80;
export const TARGET_REALTIME = 1.5;
export const MAX_PRESET_BD_COST = 0.03;

/** Cloudflare R2's published prices (developers.cloudflare.com/r2/pricing, standard storage). */
export const R2_PRICES = { storagePerGbMonth: 0.015, classBPerMillion: 0.36, egressPerGb: 0 };

const METRIC_NAMES: Record<QualityMetric, string> = { vmaf: "VMAF", ssimY: "SSIM-Y", psnrY: "PSNR-Y" };

export function f(n: number | null | undefined, digits = 2): string {
  return n !== null && n !== undefined && Number.isFinite(n) ? n.toFixed(digits) : "n/a";
}

function pct(fraction: number | null | undefined, digits = 1): string {
  return fraction !== null && fraction !== undefined && Number.isFinite(fraction)
    ? `${fraction > 0 ? "+" : ""}${(fraction * 100).toFixed(digits)} %`
    : "n/a";
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

type QSource = QualitySection["sources"][number];

function bd(src: QSource, test: string, anchor: string, metric: QualityMetric): BdRateResult | undefined {
  return src.bdRates.find((b) => b.test === test && b.anchor === anchor && b.metric === metric);
}

function mean(values: number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** Mean over sources of a ladder BD-rate (sources whose curves share no range left out and counted). */
function meanLadder(
  sources: QSource[],
  test: string,
  anchor: string,
  metric: QualityMetric,
): { mean: number | null; n: number; min: number | null; max: number | null } {
  const values = sources.flatMap((s) => {
    const v = bd(s, test, anchor, metric)?.ladder;
    return v === null || v === undefined ? [] : [v];
  });
  return {
    mean: mean(values),
    n: values.length,
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
  };
}

function point(family: RateFamily | undefined, param: number): RatePointResult | undefined {
  return family?.points.find((p) => p.param === param);
}

/** Capped CRF at `crf` (medium) against the guide at its own bit rates, rung by rung. */
export function defaultAgainstGuide(src: QSource, defaultCrf: number) {
  const guide = point(
    src.families.find((f) => f.id === "guide"),
    1,
  );
  const ours = point(
    src.families.find((f) => f.id === "crf-medium"),
    defaultCrf,
  );
  if (!guide || !ours) return null;
  return ours.rungs.map((r) => {
    const g = guide.rungs.find((x) => x.name === r.name)!;
    return {
      name: r.name,
      bytesRatio: r.bytes / g.bytes,
      vmafDiff: r.vmaf - g.vmaf,
      vmafP5Diff: r.vmafP5 - g.vmafP5,
      ssimP1Diff: r.ssimYP1 - g.ssimYP1,
      peakOverCap: r.peakKbps / r.targetKbps,
      ours: r,
      guide: g,
    };
  });
}

/** For each measured CRF: video bytes against the guide's (mean over the real files) and the worst rung's 5th-percentile VMAF drop. */
export function crfChoice(r: QualitySection) {
  const real = r.sources.filter((s) => !s.source.synthetic);
  return r.crfs.map((crf) => {
    const rows = real.map((src) => defaultAgainstGuide(src, crf)).filter((x) => x !== null);
    const all = rows.flat();
    const worst = all.length ? all.reduce((a, b) => (b.vmafP5Diff < a.vmafP5Diff ? b : a)) : null;
    const bytes = rows.map((rr) => rr.reduce((n, x) => n + x.ours.bytes, 0) / rr.reduce((n, x) => n + x.guide.bytes, 0));
    return {
      crf,
      files: rows.length,
      bytesRatio: mean(bytes),
      worstP5Drop: worst?.vmafP5Diff ?? null,
      worstRung: worst?.name ?? "",
      meanVmafDiff: mean(all.map((x) => x.vmafDiff)),
    };
  });
}

export function qualityHeadline(r: QualitySection): string[] {
  const real = r.sources.filter((s) => !s.source.synthetic);
  const synthetic = r.sources.filter((s) => s.source.synthetic);
  const lines: string[] = [];
  const v = meanLadder(real, "crf-medium", "guide", "vmaf");
  const s = meanLadder(real, "crf-medium", "guide", "ssimY");
  const p = meanLadder(real, "crf-medium", "guide", "psnrY");
  lines.push(
    `Bytes at equal quality, capped CRF (medium) against the guide's fixed bit rates, ${real.length} real files: ladder BD-rate VMAF **${pct(v.mean)}** ` +
      `(per file ${pct(v.min)} to ${pct(v.max)}, ${v.n} of ${real.length} with both curves complete and overlapping), SSIM-Y ${pct(s.mean)}, PSNR-Y ${pct(p.mean)}; ` +
      `target ${pct(TARGET_BD_RATE, 0)}: **${v.mean !== null && v.mean <= TARGET_BD_RATE ? "met" : "not met"}**.`,
  );
  for (const src of synthetic) {
    lines.push(
      `Synthetic contrast (${src.source.id}): ladder BD-rate VMAF ${pct(bd(src, "crf-medium", "guide", "vmaf")?.ladder)}, SSIM-Y ${pct(bd(src, "crf-medium", "guide", "ssimY")?.ladder)}.`,
    );
  }
  const rows = real.flatMap((src) => (defaultAgainstGuide(src, r.defaultCrf) ?? []).map((row) => ({ src, row })));
  if (rows.length) {
    const worst = rows.reduce((a, b) => (b.row.vmafP5Diff < a.row.vmafP5Diff ? b : a));
    const bytes = real.flatMap((src) => {
      const rr = defaultAgainstGuide(src, r.defaultCrf);
      return rr ? [rr.reduce((n, x) => n + x.ours.bytes, 0) / rr.reduce((n, x) => n + x.guide.bytes, 0)] : [];
    });
    lines.push(
      `AQ's default (CRF ${r.defaultCrf} capped at the guide's rates, medium) against the guide at its rates: video bytes **${f(mean(bytes), 2)}x** the guide's ` +
        `(mean over the ${bytes.length} files with both points, ${f(Math.min(...bytes))}-${f(Math.max(...bytes))}); worst rung 5th-percentile VMAF ${f(worst.row.vmafP5Diff, 2)} points ` +
        `(${worst.src.source.id} ${worst.row.name}); limit -${MAX_P5_VMAF_DROP}: **${worst.row.vmafP5Diff >= -MAX_P5_VMAF_DROP ? "met" : "not met"}**.`,
    );
  }
  const ok = crfChoice(r).filter((c) => c.files > 0 && c.worstP5Drop !== null && c.worstP5Drop >= -MAX_P5_VMAF_DROP);
  const best = ok.sort((a, b) => b.crf - a.crf)[0];
  lines.push(
    best
      ? `Highest measured CRF keeping every rung's 5th-percentile VMAF within ${MAX_P5_VMAF_DROP} points of the guide's: **CRF ${best.crf}**, video bytes ${f(best.bytesRatio)}x the guide's.`
      : `No measured CRF keeps every rung's 5th-percentile VMAF within ${MAX_P5_VMAF_DROP} points of the guide's.`,
  );
  for (const family of presetFamilies(r)) {
    const c = meanLadder(real, family, "crf-medium", "vmaf");
    lines.push(
      `Preset cost, ${family} against crf-medium, real files: ladder BD-rate VMAF ${pct(c.mean)} (${pct(c.min)} to ${pct(c.max)}); limit ${pct(MAX_PRESET_BD_COST, 0)}.`,
    );
  }
  return lines;
}

function presetFamilies(r: QualitySection): string[] {
  return [...new Set(r.sources.flatMap((s) => s.families.filter((f) => f.kind === "crf" && f.id !== "crf-medium").map((f) => f.id)))];
}

export function qualitySection(r: QualitySection): string {
  const real = r.sources.filter((s) => !s.source.synthetic);
  const parts: string[] = [
    `Each accepted file of the sample corpus (\`../shared/media\`, MANIFEST.md) and one synthetic source, cut to its first ${r.clipSeconds} s and turned into a ` +
      "lossless mezzanine at the frame rate AQ's ladder uses, displayed shape, top rung's size (video only: audio is encoded alike by every configuration). Encoded by " +
      `**guide**: the guide's section 4 command (corrected, \`bench/src/reference-command.ts\`, preset medium) at ${r.guideScales.map((x) => `${x}x`).join(", ")} its bit rates; ` +
      `**crf-<preset>**: AQ's encode arguments with capped CRF (\`-crf N -maxrate <guide's rate> -bufsize <2x>\`) at CRF ${r.crfs.join(", ")}. ` +
      `Every rung scored against the mezzanine scaled to its size (bicubic) with VMAF (${r.vmafModel}, libvmaf 1.x in a 2018 static ffmpeg), SSIM-Y and PSNR-Y, ` +
      `on every ${r.subsample === 1 ? "" : `${r.subsample}th `}frame; the 5th-percentile VMAF frame and 1st-percentile SSIM/PSNR frame show the worst moments.`,
    "BD-rate: the average difference in bit rate at equal quality over the quality range both curves cover (negative: fewer bytes), " +
      "log-rate interpolated linearly between the measured points; per rung, and over the ladder weighted by each rung's guide bit rate (its share of the stored bytes). " +
      "n/a: the curves share no quality range at that rung.",
    `### Capped CRF (medium) against the guide: BD-rate`,
    table(
      [
        "source",
        "ladder VMAF",
        "ladder SSIM-Y",
        "ladder PSNR-Y",
        ...(r.sources[0]?.bdRates[0]?.perRung.map((g) => `${g.name} VMAF`) ?? []),
      ],
      r.sources.map((src) => {
        const v = bd(src, "crf-medium", "guide", "vmaf");
        return [
          src.source.id,
          `**${pct(v?.ladder)}**`,
          pct(bd(src, "crf-medium", "guide", "ssimY")?.ladder),
          pct(bd(src, "crf-medium", "guide", "psnrY")?.ladder),
          ...(v?.perRung.map((g) => pct(g.bdRate)) ?? []),
        ];
      }),
    ),
  ];
  const means = (["vmaf", "ssimY", "psnrY"] as const).map(
    (m) => `${METRIC_NAMES[m]} ${pct(meanLadder(real, "crf-medium", "guide", m).mean)}`,
  );
  parts.push(`Mean over the ${real.length} real files (ladder): ${means.join(", ")}.`);

  parts.push(
    `### AQ's default point against the guide's`,
    `CRF ${r.defaultCrf} (medium) against the guide's command at its own bit rates (1x), per rung: bytes ratio, VMAF mean and 5th-percentile differences, ` +
      "SSIM-Y 1st-percentile difference, and the measured peak segment bit rate against the guide's rate (the cap).",
    table(
      ["source", "rung", "kbit/s (guide)", "bytes vs guide", "VMAF (guide)", "VMAF diff", "VMAF p5 diff", "SSIM-Y p1 diff", "peak / cap"],
      r.sources.flatMap((src) =>
        (defaultAgainstGuide(src, r.defaultCrf) ?? []).map((row) => [
          src.source.id,
          row.name,
          `${f(row.ours.averageKbps, 0)} (${f(row.guide.averageKbps, 0)})`,
          f(row.bytesRatio),
          `${f(row.ours.vmaf, 1)} (${f(row.guide.vmaf, 1)})`,
          f(row.vmafDiff, 2),
          row.vmafP5Diff < -MAX_P5_VMAF_DROP ? `**${f(row.vmafP5Diff, 2)}**` : f(row.vmafP5Diff, 2),
          f(row.ssimP1Diff, 4),
          f(row.peakOverCap),
        ]),
      ),
    ),
  );

  parts.push(
    "### Which CRF",
    `Each measured CRF (medium) against the guide at its own bit rates, over the real files: video bytes (mean of the per-file ratios), mean VMAF difference over the rungs, and the worst rung's 5th-percentile VMAF difference (limit -${MAX_P5_VMAF_DROP}).`,
    table(
      ["CRF", "files", "bytes vs guide", "mean VMAF diff", "worst p5 VMAF diff (rung)", "within limit"],
      crfChoice(r).map((c) => [
        String(c.crf),
        String(c.files),
        f(c.bytesRatio),
        f(c.meanVmafDiff),
        `${f(c.worstP5Drop)} (${c.worstRung})`,
        c.worstP5Drop !== null && c.worstP5Drop >= -MAX_P5_VMAF_DROP ? "yes" : "no",
      ]),
    ),
  );

  const presets = presetFamilies(r);
  if (presets.length) {
    parts.push(
      "### Presets: BD-rate against medium (capped CRF)",
      r.presetFiles
        ? `On ${r.presetFiles.join(", ")} only, the file the speed section times (CPU on a shared 2-core machine went to covering more files at medium).`
        : "On every source.",
      table(
        ["source", ...presets.flatMap((p) => [`${p} ladder VMAF`, `${p} ladder SSIM-Y`])],
        r.sources.map((src) => [
          src.source.id,
          ...presets.flatMap((p) => [pct(bd(src, p, "crf-medium", "vmaf")?.ladder), pct(bd(src, p, "crf-medium", "ssimY")?.ladder)]),
        ]),
      ),
      `Mean over the real files: ${presets.map((p) => `${p} ${pct(meanLadder(real, p, "crf-medium", "vmaf").mean)} (VMAF)`).join(", ")}. ` +
        "Encode CPU per point is in the JSON; the speed section times the presets properly.",
    );
  }

  parts.push("### Every point", "Per rung: average kbit/s, VMAF mean / 5th percentile. CPU: seconds of the encode (single run).");
  for (const src of r.sources) {
    const names = src.families[0]?.points[0]?.rungs.map((g) => g.name) ?? [];
    parts.push(
      `**${src.source.id}** (${src.source.width}x${src.source.height}, ${f(src.source.fps, 3)} fps, ${f(src.source.seconds, 1)} s scored; ${src.source.description})`,
      table(
        ["config", "point", "CPU s", ...names],
        src.families.flatMap((fam) =>
          fam.points.map((p) => [
            fam.id,
            fam.kind === "guide" ? `${p.param}x` : `crf ${p.param}`,
            f(p.cpuSeconds, 1),
            ...p.rungs.map((g) => `${f(g.averageKbps, 0)} / ${f(g.vmaf, 1)} / ${f(g.vmafP5, 1)}`),
          ]),
        ),
      ),
    );
  }
  parts.push(costSection(r));
  return parts.join("\n\n");
}

/** Stored bytes and R2 cost per video-minute: the default ladder against the guide's, from the real files' measured bit rates. */
function costSection(r: QualitySection): string {
  const real = r.sources.filter((s) => !s.source.synthetic);
  const rows = real.map((src) => defaultAgainstGuide(src, r.defaultCrf)).filter((x) => x !== null);
  if (!rows.length) return "### Stored bytes and cost\n\n(no real file measured)";
  const audioKbps = BASE_RUNGS.reduce((n, g) => n + g.audioKbps, 0);
  const videoKbps = (pick: "ours" | "guide") => mean(rows.map((rr) => rr.reduce((n, x) => n + x[pick].averageKbps, 0)))!;
  const mbPerMinute = (kbps: number) => (kbps * 1000 * 60) / 8 / 1e6;
  const line = (label: string, video: number) => {
    const mbMin = mbPerMinute(video + audioKbps);
    return [label, f(video, 0), f(video + audioKbps, 0), f(mbMin, 1), `$${f((mbMin / 1000) * R2_PRICES.storagePerGbMonth * 1000, 3)}`];
  };
  const requestsPerViewMinute = 60 / SEGMENT_SECONDS;
  return [
    "### Stored bytes and cost per video-minute (R2)",
    `Prices used: Cloudflare R2 standard storage $${R2_PRICES.storagePerGbMonth}/GB-month, egress free, Class B (read) operations ` +
      `$${R2_PRICES.classBPerMillion} per million. Video: the mean over the ${rows.length} real files of the ladder's measured average bit rate ` +
      `(all rungs); audio: the ladder's AAC rates (${audioKbps} kbit/s over the rungs), alike for both.`,
    table(
      ["ladder", "video kbit/s (all rungs)", "with audio", "MB stored per video-minute", "storage per 1,000 video-minutes per month"],
      [line("guide (fixed bit rates)", videoKbps("guide")), line(`AQ default (CRF ${r.defaultCrf}, capped)`, videoKbps("ours"))],
    ),
    `Per view: egress costs nothing on R2, so what a view costs is reads: one playlist per rung watched plus the master, then ${requestsPerViewMinute} segment ` +
      `requests per minute watched (${SEGMENT_SECONDS} s segments), $${f((requestsPerViewMinute * R2_PRICES.classBPerMillion) / 1e6, 7)} per view-minute when every ` +
      "request reaches the bucket (a CDN cache in front removes most of them). It is the same for both ladders: the bytes saved show up in storage and in the viewer's data, not in the R2 bill for views.",
  ].join("\n\n");
}

/** Other work's CPU, averaged over a run, above which that run's timing is not the machine's. */
const MAX_OTHERS_CORES = 0.1;

/**
 * Whether other work competed with the timed runs, and what was seen, in words: the CPU the rest
 * of the machine used during any run above MAX_OTHERS_CORES. Results from before that was measured
 * fall back on the 1-minute load average above the cores (which the encodes' own threads raise too).
 */
function competition(r: SpeedSection): { competed: boolean; seen: string } {
  const measured = r.runs.filter((run) => run.othersCpuSeconds !== undefined);
  if (measured.length) {
    const worst = Math.max(...measured.map((run) => run.othersCpuSeconds! / run.wallSeconds));
    return { competed: worst > MAX_OTHERS_CORES, seen: `other processes used up to ${f(worst, 2)} cores on average during a run` };
  }
  const load = Math.max(...r.configs.map((c) => c.maxLoad));
  return { competed: load > r.cores, seen: `the 1-minute load average reached ${f(load, 1)} on ${r.cores} cores while they ran` };
}

export function speedHeadline(r: SpeedSection): string[] {
  const { competed, seen } = competition(r);
  if (competed) {
    return [
      `Speed: **timing figures unreliable** (${seen}); no speed headline. ` +
        `CPU-seconds per video-minute, which contention inflates less: ${r.configs.map((c) => `${c.id} ${f(c.cpuSecondsPerVideoMinute, 0)}`).join(", ")}.`,
    ];
  }
  const lines = r.configs.map(
    (c) => `${c.id}: ${f(c.realtimeFactor)}x realtime, ${f(c.cpuSecondsPerVideoMinute, 0)} CPU-s per video-minute`,
  );
  const meeting = r.configs.filter((c) => c.realtimeFactor >= TARGET_REALTIME && c.cpuSecondsPerVideoMinute <= TARGET_CPU_PER_VIDEO_MINUTE);
  return [
    `Speed, ${r.source.id}: ${lines.join("; ")}. Meeting ${TARGET_REALTIME}x and ${TARGET_CPU_PER_VIDEO_MINUTE} CPU-s: ${meeting.map((c) => c.id).join(", ") || "none"}.`,
  ];
}

export function speedSection(r: SpeedSection): string {
  const { competed, seen } = competition(r);
  return [
    `The whole ladder (${r.rungs.join(", ")}) from ${r.source.id} (${r.source.width}x${r.source.height}, ${f(r.source.fps, 2)} fps, ${f(r.source.seconds, 1)} s: ${r.source.description}) with AQ's ` +
      `encode arguments and capped CRF ${r.crf}, per x264 preset; "-split" runs the 720p rung in one ffmpeg and the lower rungs in a second one at the same time ` +
      `(each decodes the source). ${r.runsPerConfig} runs of each configuration in rotating order; wall and CPU (user + system of the reaped ffmpegs) as median with min-max. ` +
      `Targets: ${TARGET_REALTIME}x realtime or better, at most ${TARGET_CPU_PER_VIDEO_MINUTE} CPU-seconds per video-minute.`,
    competed
      ? `**Timing figures unreliable**: ${seen} ` +
        "(other work competed for the cores). Wall times and the realtime factor are not what the machine can do; CPU seconds are inflated less, but still by cache and frequency contention."
      : `Nothing else competed for the cores: ${seen} (limit ${f(MAX_OTHERS_CORES, 1)}; the load average, which the encodes' own threads raise too, is in the table).`,
    table(
      [
        "config",
        "processes",
        "wall s median (min-max)",
        "CPU s median (min-max)",
        "CPU-s per video-minute",
        "realtime factor",
        "max load",
        "output MB",
      ],
      r.configs.map((c) => [
        c.id,
        String(c.processes),
        `${f(c.wallMedian, 1)} (${f(c.wallMin, 1)}-${f(c.wallMax, 1)})`,
        `${f(c.cpuMedian, 1)} (${f(c.cpuMin, 1)}-${f(c.cpuMax, 1)})`,
        f(c.cpuSecondsPerVideoMinute, 0),
        f(c.realtimeFactor),
        f(c.maxLoad, 1),
        f(c.bytes / 1e6, 2),
      ]),
    ),
    `Every run (config: wall s / CPU s / others' CPU s / load before-after): ${r.runs
      .map(
        (x) =>
          `${x.config} ${f(x.wallSeconds, 1)}/${f(x.cpuSeconds, 1)}/${x.othersCpuSeconds === undefined ? "-" : f(x.othersCpuSeconds, 1)}/${f(x.loadBefore, 1)}-${f(x.loadAfter, 1)}`,
      )
      .join(", ")}.`,
  ].join("\n\n");
}
