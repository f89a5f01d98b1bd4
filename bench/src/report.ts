import { shellLine } from "./reference-command.js";
import { f, qualityHeadline, qualitySection, speedHeadline, speedSection, table } from "./report-quality.js";
import type {
  BenchResults,
  ChunkingSection,
  ConcurrencySection,
  EncodeSection,
  FirstPlayableSection,
  GatewaySection,
  PipelineSection,
  ScaleOutSection,
  SectionId,
  UploadSection,
} from "./results.js";

const TITLES: Record<SectionId, string> = {
  encode: "1. Encode throughput: AQ against the guide's command",
  pipeline: "2. Pipeline overhead",
  quality: "3. Quality per byte on real footage",
  speed: "3b. Encode speed on real footage",
  concurrency: "4. Concurrency of one encoder",
  gateway: "5. Gateway",
  upload: "6. Upload",
  chunking: "7. Cost of chunking",
  "first-playable": "8. Time to first playable",
  "scale-out": "9. Scale-out of one video over encoder instances",
};

/** Issue #13's targets: parallel efficiency of 2 single-core encoders, READY of a 10-minute source on 8. */
const MIN_PARALLEL_EFFICIENCY = 0.85;
const MAX_PROJECTED_READY_SECONDS = 100;

/** Issue #13: chunked output may cost at most 1 % more bytes than the single run at equal quality. */
const MAX_CHUNKING_BYTES_RATIO = 1.01;

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(2);
}

function pct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}

function headline(results: BenchResults): string[] {
  const lines: string[] = [];
  const s = results.sections;
  if (s.encode.status === "ok") {
    for (const src of s.encode.result.sources) {
      lines.push(
        `Encode, ${src.source.id} source: AQ/reference wall time **${f(src.ratio.wall)}**, CPU time **${f(src.ratio.cpu)}**, output bytes ${f(src.ratio.bytes)}.`,
      );
    }
  }
  if (s.pipeline.status === "ok") {
    const p = s.pipeline.result;
    lines.push(
      `Pipeline overhead (createVideo to READY minus the bare encode): **${f(p.overheadSeconds, 1)} s**, **${pct(p.overheadFraction)}** of the encode; ` +
        `time outside the ENCODING status ${f(p.outsideEncodingSeconds, 1)} s (${pct(p.outsideEncodingSeconds / p.bareEncodeSeconds)} of the encode).`,
    );
  }
  if (s.quality.status === "ok") lines.push(...qualityHeadline(s.quality.result));
  if (s.speed.status === "ok") lines.push(...speedHeadline(s.speed.result));
  if (s.concurrency.status === "ok") {
    const best = [...s.concurrency.result.configs].sort((a, b) => b.videosPerHour - a.videosPerHour)[0];
    if (best)
      lines.push(
        `Concurrency: most videos per hour with ${best.concurrency} job(s) at a time and ENCODE_THREADS=${best.threads} (${f(best.videosPerHour, 1)}/h).`,
      );
  }
  if (s.gateway.status === "ok") {
    const g = s.gateway.result;
    for (const r of g.requests)
      lines.push(
        `Gateway ${r.operation}: ${f(r.requestsPerSecond, 0)} req/s, p50 ${f(r.latency.p50Ms, 1)} ms, p99 ${f(r.latency.p99Ms, 1)} ms.`,
      );
    lines.push(
      `Fan-out to ${g.fanOut.subscribers} subscribers: p50 ${f(g.fanOut.latency.p50Ms, 1)} ms, p99 ${f(g.fanOut.latency.p99Ms, 1)} ms, ${g.fanOut.missed} missed.`,
    );
  }
  if (s.upload.status === "ok") {
    const speedups = s.upload.result.speedups.map(
      (u) =>
        `**${f(u.sequentialOverUploader)}x** ${u.addedLatencyMs ? `with ${u.addedLatencyMs} ms added per request` : "on plain loopback"}`,
    );
    lines.push(
      `Upload: the uploader against sequential PutObjects (time of the sequential puts / time of the uploader): ${speedups.join(", ")}.`,
    );
  }
  if (s.chunking.status === "ok") {
    for (const src of s.chunking.result.sources) {
      const ratios = src.rungs.map((g) => g.bytesRatio);
      const dips = src.rungs.flatMap((g) => (g.worstJoinGopPsnrDelta === null ? [] : [g.worstJoinGopPsnrDelta]));
      const over = Math.max(...ratios) > MAX_CHUNKING_BYTES_RATIO;
      const psnr = src.rungs.map((g) => g.chunkedPsnrY - g.singlePsnrY);
      lines.push(
        `Cost of chunking, ${src.file}: chunked/single bytes per rung ${f(Math.min(...ratios), 3)}-${f(Math.max(...ratios), 3)} ` +
          `(target at most ${f(MAX_CHUNKING_BYTES_RATIO)} at equal quality${over ? ", **not met**" : ""}) at mean PSNR-Y ${f(Math.min(...psnr))} to ${f(Math.max(...psnr))} dB ` +
          `against the single run, worst GOP next to a join ${f(Math.min(...dips))} dB.`,
      );
    }
  }
  if (s["first-playable"].status === "ok") {
    const r = s["first-playable"].result;
    const medians = r.sources.map(
      (src) =>
        `${f(src.seconds, 0)} s source **${f(src.firstPlayable.median, 1)} s**${src.ready ? ` (READY ${f(src.ready.median, 1)} s)` : ""}`,
    );
    const met = r.sources.every((src) => src.firstPlayable.median <= r.targetSeconds);
    lines.push(
      `Time to first playable (upload complete to the first segments fetchable through signed playback, ${r.addedLatencyMs} ms added per S3 request): ` +
        `${medians.join(", ")}; target at most ${f(r.targetSeconds, 0)} s${met ? "" : ", **not met**"}.`,
    );
  }
  if (s["scale-out"].status === "ok") {
    const r = s["scale-out"].result;
    const p = r.projection;
    lines.push(
      `Scale-out, ${f(r.seconds, 0)} s source: parallel efficiency of 2 single-core encoders **${f(r.parallelEfficiency)}** ` +
        `(target ${f(MIN_PARALLEL_EFFICIENCY)}${r.parallelEfficiency !== null && r.parallelEfficiency >= MIN_PARALLEL_EFFICIENCY ? "" : ", **not met**"})` +
        (p
          ? `; projected READY of a ${f(p.sourceSeconds / 60, 0)}-minute source on ${p.workers} workers **${f(p.readySeconds, 0)} s** ` +
            `(target ${MAX_PROJECTED_READY_SECONDS} s${p.readySeconds <= MAX_PROJECTED_READY_SECONDS ? "" : ", **not met**"})`
          : "") +
        (r.loadAboveCores ? "; the load exceeded the cores, so these times are not reliable" : "") +
        ".",
    );
  }
  return lines.map((l) => `- ${l}`);
}

function encodeSection(r: EncodeSection): string {
  const parts: string[] = [
    "Each source encoded by (a) the guide's section 4 command with its defects corrected (named variants, one audio stream per variant, " +
      "`-hls_base_url segments/`, keyframes forced every 6 s, the segments folder made first) and (b) AQ's `encodeVideo` " +
      "(check, probe, normalize, the single-pass encode, measured master playlist, verification). " +
      `Runs alternate A B / B A, ${r.runsPerVariant} of each; figures are medians. CPU time is that of the reaped ffmpeg/ffprobe children ` +
      "(`/proc/self/stat` cutime + cstime) plus the bench process. Realtime factor: seconds of video per wall-clock second. " +
      "While other work competes for the cores, wall times swing by tens of percent from run to run; CPU time follows the work done and is the steadier comparison.",
  ];
  for (const src of r.sources) {
    parts.push(
      `**${src.source.id}**: ${src.source.description}; ${mb(src.source.bytes)} MB, ${src.source.bitrateKbps} kbit/s.`,
      table(
        ["", "wall s", "CPU s", "realtime factor", "output MB"],
        [
          [
            "reference (guide, corrected)",
            f(src.reference.wallSeconds, 1),
            f(src.reference.cpuSeconds, 1),
            f(src.reference.realtimeFactor),
            mb(src.reference.outputBytes),
          ],
          ["AQ encodeVideo", f(src.aq.wallSeconds, 1), f(src.aq.cpuSeconds, 1), f(src.aq.realtimeFactor), mb(src.aq.outputBytes)],
          ["**AQ / reference**", `**${f(src.ratio.wall)}**`, `**${f(src.ratio.cpu)}**`, "", f(src.ratio.bytes)],
        ],
      ),
      `AQ's wall time by stage (medians): prepare (check, probe, normalize) ${f(src.aqStages.prepare, 1)} s, encode ${f(src.aqStages.encode, 1)} s, ` +
        `measure and verify ${f(src.aqStages.verify, 1)} s. Every run: ` +
        src.runs.map((run) => `${run.variant} ${f(run.wallSeconds, 1)} s`).join(", ") +
        ".",
    );
  }
  parts.push(
    "The reference command as run (from the output folder, `input.mp4` standing for the source):",
    "```sh\n" + shellLine(r.referenceCommand) + "\n```",
    "AQ's encode step as run on the normalized file:",
    "```sh\n" + shellLine(r.aqCommand) + "\n```",
  );
  return parts.join("\n\n");
}

function pipelineSection(r: PipelineSection): string {
  return [
    `One ${r.source.id} source (${r.source.description}, ${mb(r.source.bytes)} MB) sent through the running stack as an application does it ` +
      "(createVideo, PUT to the presigned URL, completeVideoUpload, videoProgress over graphql-ws until READY), against `encodeVideo` of the same " +
      "file in the bench process, alternating. The stack runs the gateway and the probe, encoder and uploader services as separate processes, " +
      "with its own NATS server, a fresh Postgres database and s3rver in the bench process.",
    table(
      ["createVideo to READY s", "bare encodeVideo s", "overhead s", "overhead / encode", "outside ENCODING s", "ENCODING to ENCODED s"],
      [
        [
          f(r.pipelineSeconds, 1),
          f(r.bareEncodeSeconds, 1),
          `**${f(r.overheadSeconds, 1)}**`,
          `**${pct(r.overheadFraction)}**`,
          f(r.outsideEncodingSeconds, 1),
          f(r.encodingStatusSeconds, 1),
        ],
      ],
    ),
    "Outside ENCODING: createVideo to ENCODING plus ENCODED to READY (the upload, hand-offs over NATS, the probe, the upload of the output), " +
      "which does not depend on how busy the encoder's cores are. ENCODING to ENCODED also holds the download of the source from the bucket " +
      "and the copy of the ffmpeg log to it. Medians over the runs.",
    "Seconds from createVideo until each status was first seen on the subscription (PUT_DONE: the upload's response):",
    table(Object.keys(r.statusReachedSeconds), [Object.values(r.statusReachedSeconds).map((v) => f(v, 1))]),
    `Runs: ${r.runs.map((run) => `${run.kind} ${f(run.wallSeconds, 1)} s`).join(", ")}.`,
  ].join("\n\n");
}

function concurrencySection(r: ConcurrencySection): string {
  return [
    `\`encodeVideo\` jobs side by side in one process, as one encoder-service instance runs them with ENCODER_CONCURRENCY jobs, on ${r.source.id} sources ` +
      `(${r.source.description}). ENCODE_THREADS is ffmpeg's \`-threads\` for each of the four libx264 encoders of a job (0: ffmpeg decides). ` +
      "Configurations run in rotating order in each round; figures are medians over the rounds.",
    table(
      ["jobs at a time", "ENCODE_THREADS", "videos per run", "runs", "wall s", "videos / hour", "CPU s / video", "seconds per video"],
      r.configs.map((c) => [
        String(c.concurrency),
        String(c.threads),
        String(c.videos),
        String(c.runs),
        f(c.wallSeconds, 1),
        f(c.videosPerHour, 1),
        f(c.cpuSecondsPerVideo, 1),
        f(c.videoSeconds, 1),
      ]),
    ),
  ].join("\n\n");
}

function gatewaySection(r: GatewaySection): string {
  const fo = r.fanOut;
  return [
    "Load from a second process on loopback against the stack's gateway (the stack of section 2, idle meanwhile): each operation runs " +
      "with a fixed number of requests in flight until its time or request budget is spent. The load generator shares the two cores with the gateway.",
    table(
      ["operation", "in flight", "requests", "errors", "seconds", "req/s", "p50 ms", "p99 ms", "max ms"],
      r.requests.map((q) => [
        q.operation,
        String(q.concurrency),
        String(q.requests),
        String(q.errors),
        f(q.seconds, 1),
        f(q.requestsPerSecond, 0),
        f(q.latency.p50Ms, 1),
        f(q.latency.p99Ms, 1),
        f(q.latency.maxMs, 1),
      ]),
    ),
    `Fan-out: ${fo.subscribers} graphql-ws connections (one subscription each) to one video's videoProgress; ${fo.events} progress events published on NATS ` +
      "one after another, each once every subscriber had the previous one. Latency: publish to receipt, over every (event, subscriber).",
    table(
      ["subscribers", "connect + first event s", "p50 ms", "p99 ms", "max ms", "last delivery per event, median ms", "missed"],
      [
        [
          String(fo.subscribers),
          f(fo.subscribeSeconds, 1),
          f(fo.latency.p50Ms, 1),
          f(fo.latency.p99Ms, 1),
          f(fo.latency.maxMs, 1),
          f(fo.lastDeliveryMs.median, 1),
          String(fo.missed),
        ],
      ],
    ),
  ].join("\n\n");
}

function uploadSection(r: UploadSection): string {
  return [
    `The HLS output of a ${r.source.description} source (encoded at preset veryfast; ${r.files} files, ${mb(r.bytes)} MB) sent to s3rver running in ` +
      `its own process, directly and through a proxy that holds each request before passing it on, as a round trip to a remote bucket would; ` +
      `${r.runsPerMode} run(s) per mode in rotating order; medians.`,
    table(
      ["mode", "how", "added latency ms", "wall s", "MiB/s", "files/s"],
      r.modes.map((m) => [m.mode, m.description, String(m.addedLatencyMs), f(m.wallSeconds), f(m.mibPerSecond), f(m.filesPerSecond, 1)]),
    ),
    "Sequential PutObject time / uploader time: " +
      r.speedups
        .map((u) => `**${f(u.sequentialOverUploader)}** ${u.addedLatencyMs ? `with ${u.addedLatencyMs} ms added` : "on plain loopback"}`)
        .join(", ") +
      ".",
  ].join("\n\n");
}

function chunkingSection(r: ChunkingSection): string {
  return [
    `The same normalized source encoded by today's single ffmpeg run and in chunks (encodeInChunks: a first chunk of one segment, then ` +
      `chunks of ${r.chunkSegments} segment(s), so every 6 s mark is a join), at preset ${r.preset}, ${r.runs} run(s) of each alternated. ` +
      `Bytes are the rung's segments; SSIM-Y and PSNR-Y are means over every frame against the normalized source at the rung's size; ` +
      `the join column is the worst 2 s GOP either side of any join, chunked minus single on the same frames (negative: a dip). ` +
      `Target: chunked bytes at most ${f(MAX_CHUNKING_BYTES_RATIO)}x the single run's at equal quality.`,
    ...r.sources.map((src) =>
      [
        `**${src.file}** (${src.width}x${src.height}, ${src.frameRate} fps, ${f(src.seconds, 1)} s, ${src.joins} joins)`,
        table(
          [
            "rung",
            "single MB",
            "chunked MB",
            "bytes ratio (min-max)",
            "SSIM-Y single / chunked",
            "PSNR-Y single / chunked",
            "worst join GOP ΔPSNR dB / ΔSSIM",
          ],
          src.rungs.map((g) => [
            g.rung,
            mb(g.singleBytes),
            mb(g.chunkedBytes),
            `**${f(g.bytesRatio, 3)}** (${f(g.bytesRatioMin, 3)}-${f(g.bytesRatioMax, 3)})`,
            `${f(g.singleSsimY, 4)} / ${f(g.chunkedSsimY, 4)}`,
            `${f(g.singlePsnrY)} / ${f(g.chunkedPsnrY)}`,
            `${f(g.worstJoinGopPsnrDelta)} / ${f(g.worstJoinGopSsimDelta, 4)}`,
          ]),
        ),
      ].join("\n\n"),
    ),
  ].join("\n\n");
}

function phaseCell(value: number | null): string {
  return value === null ? "-" : f(value, 1);
}

function firstPlayableSection(r: FirstPlayableSection): string {
  const settings = Object.entries(r.chunkSettings)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  return [
    `Each source through the whole stack (gateway, probe, encoder, uploader as processes, ENCODER_CONCURRENCY of the machine), every S3 request ` +
      `of the services and of the client held ${r.addedLatencyMs} ms by a proxy in front of s3rver, as a remote bucket would. A run starts when ` +
      `completeVideoUpload returns and ends when the master, the first two rung playlists it names and their first two segments all answer ` +
      `200 through the gateway's signed playback route, fetched as a player does once the videoProgress subscription says playable ` +
      `(retried every 100 ms). Every run on a stack of its own. Chunk settings: ${settings}. Target: at most ${f(r.targetSeconds, 0)} s, not growing with length.`,
    table(
      [
        "source",
        "chunks",
        "first playable s: median (min-max)",
        "READY s: median (min-max)",
        "runs: first playable / playable event / READY s",
      ],
      r.sources.map((src) => [
        `${src.source} (${src.width}x${src.height}, ${f(src.fps, 2)} fps, ${f(src.seconds, 1)} s)`,
        src.chunks === null ? "not chunked (one ffmpeg run)" : String(src.chunks),
        `**${f(src.firstPlayable.median, 2)}** (${f(src.firstPlayable.min, 2)}-${f(src.firstPlayable.max, 2)})`,
        src.ready ? `${f(src.ready.median, 1)} (${f(src.ready.min, 1)}-${f(src.ready.max, 1)})` : "not followed",
        src.runs
          .map(
            (run) =>
              `${f(run.firstPlayableSeconds, 2)} / ${f(run.playableEventSeconds, 2)} / ${run.readySeconds === null ? "-" : f(run.readySeconds, 1)}`,
          )
          .join("; "),
      ]),
    ),
    "Where the time to first playable goes, per run, in seconds from the rows' timestamps (history, chunk rows, playable_at): upload complete to " +
      "PROBED (queue + probe); to ENCODING; the planner (normalize by stream copy, the first chunk's head put in the bucket, its job queued and taken; runs before 2026-11-30 09:20 UTC put the whole normalized file there first; " +
      "runs before 2026-11-30 also waited for the whole-source audio encode here); the first chunk (every rung encoded, segments put in the bucket); to playable (playlists published); to the client " +
      "(event, playbackUrl query, the GETs). A dash: the step did not happen (a video not chunked).",
    table(
      ["source s", "run", "to PROBED", "to ENCODING", "planner", "first chunk", "to playable", "to client (fetch rounds)", "max load"],
      r.sources.flatMap((src) =>
        src.runs.map((run, i) => [
          f(src.seconds, 0),
          String(i + 1),
          phaseCell(run.phases.toProbed),
          phaseCell(run.phases.toEncoding),
          phaseCell(run.phases.planner),
          phaseCell(run.phases.firstChunk),
          phaseCell(run.phases.publish),
          `${phaseCell(run.phases.toClient)} (${run.fetchAttempts ?? "?"})`,
          f(run.loadMax, 2),
        ]),
      ),
    ),
  ].join("\n\n");
}

function scaleOutSection(r: ScaleOutSection): string {
  const settings = Object.entries(r.chunkSettings)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  const p = r.projection;
  return [
    `${r.source} (${r.width}x${r.height}, ${f(r.fps, 2)} fps, ${f(r.seconds, 1)} s) through the real pipeline (probe, encoder(s) and uploader as ` +
      `processes with their own work folders; NATS, Postgres and s3rver of their own; the video put in the bucket and recorded UPLOADED as the ` +
      `gateway does), ${settings}. Placement: ${r.placement}. READY time is UPLOADED to READY from the history; chunk times from the chunk rows ` +
      `(sampled every 100 ms); "audio" is from the first chunk's start to any other's: the whole-source audio encode the others wait for ` +
      `(with one encoder, also the first chunk itself). Parallel efficiency = T1 / (2 x T2) of the median READY times (target ${f(MIN_PARALLEL_EFFICIENCY)}). ` +
      `${r.cores} cores.${r.loadAboveCores ? " **The 1-minute load average exceeded the cores during a run: the timing is not reliable.**" : ""}`,
    table(
      [
        "encoders (cpus)",
        "READY s",
        "probe s",
        "planner s",
        "audio s",
        "chunks s",
        "tail s",
        "load start / max / mean",
        "chunk wall s (length s, encoder pid)",
      ],
      r.runs.map((run) => [
        `${run.encoders} (${run.cpus.join(",")})`,
        `**${f(run.readySeconds, 1)}**`,
        phaseCell(run.phases.probe),
        phaseCell(run.phases.planner),
        phaseCell(run.phases.audio),
        phaseCell(run.phases.chunks),
        phaseCell(run.phases.tail),
        `${f(run.load.start)} / ${f(run.load.max)} / ${f(run.load.mean)}`,
        run.chunks
          .map(
            (c) =>
              `${c.index}: ${f(c.wallSeconds, 1)} (${f(c.durationSeconds, 0)}, ${c.encoder?.split(":").pop() ?? "?"}${c.attempts > 1 ? `, ${c.attempts} attempts` : ""})`,
          )
          .join("; "),
      ]),
    ),
    `Parallel efficiency: **${f(r.parallelEfficiency)}**.`,
    p
      ? `Projection to ${p.workers} workers on a ${f(p.sourceSeconds, 0)} s source: **${f(p.readySeconds, 0)} s** to READY = probe ${f(p.probeSeconds, 1)} s + ` +
        `planner ${f(p.plannerSeconds, 1)} s + chunks ${f(p.chunkPhaseSeconds, 1)} s (the others waiting ${f(p.audioSeconds, 1)} s for the audio) + tail ${f(p.tailSeconds, 1)} s (target ${MAX_PROJECTED_READY_SECONDS} s). ` +
        `How: ${p.method}. It assumes ${p.workers} idle cores, one per worker, and NATS, Postgres and the bucket keeping up.`
      : "No projection: no chunk was measured.",
  ].join("\n\n");
}

function sectionBody(results: BenchResults, id: SectionId): string {
  const s = results.sections;
  switch (id) {
    case "encode":
      return s.encode.status === "ok" ? encodeSection(s.encode.result) : "";
    case "pipeline":
      return s.pipeline.status === "ok" ? pipelineSection(s.pipeline.result) : "";
    case "quality":
      return s.quality.status === "ok" ? qualitySection(s.quality.result) : "";
    case "speed":
      return s.speed.status === "ok" ? speedSection(s.speed.result) : "";
    case "concurrency":
      return s.concurrency.status === "ok" ? concurrencySection(s.concurrency.result) : "";
    case "gateway":
      return s.gateway.status === "ok" ? gatewaySection(s.gateway.result) : "";
    case "upload":
      return s.upload.status === "ok" ? uploadSection(s.upload.result) : "";
    case "chunking":
      return s.chunking.status === "ok" ? chunkingSection(s.chunking.result) : "";
    case "first-playable":
      return s["first-playable"].status === "ok" ? firstPlayableSection(s["first-playable"].result) : "";
    case "scale-out":
      return s["scale-out"].status === "ok" ? scaleOutSection(s["scale-out"].result) : "";
  }
}

/** Where a report combined from several runs (--report-from) took each section, and on which CPU. */
function combinedRuns(runs: BenchResults["sectionRuns"]): string {
  if (!runs.length) return "";
  const cpus = new Set(runs.map((r) => r.cpuModel));
  return (
    ` Sections combined from several runs (the machine below is the first's): ${runs
      .map((r) => `${r.sections.join(", ")} from \`${r.file}\` (${r.startedAt.slice(0, 10)}, ${r.cpuModel})`)
      .join("; ")}.` + (cpus.size > 1 ? " The runs had different CPUs: compare absolute times only within a section." : "")
  );
}

/** BENCHMARKS.md, from the results alone. */
export function renderReport(results: BenchResults, jsonName: string): string {
  const m = results.machine;
  const preset = String(results.ladder.x264Preset);
  const body: string[] = [
    "# Benchmarks",
    `Generated by \`npm run bench${results.quick ? " -- --quick" : ""}\` on ${results.startedAt} (${f(results.durationSeconds / 60, 1)} min); ` +
      `raw figures in \`bench/results/${jsonName}\`. This file is rewritten by the command: do not edit it by hand.` +
      combinedRuns(results.sectionRuns),
    table(
      ["machine", ""],
      [
        ["CPU", `${m.cpuModel}, ${m.cores} cores`],
        ["memory", `${m.memoryGiB} GiB`],
        ["kernel", m.kernel],
        ["Node", m.node],
        ["ffmpeg", m.ffmpeg],
        ["load average at start (1/5/15 min)", m.loadAverageAtStart.join(" / ")],
        ["ladder settings", `X264_PRESET=${preset}, ENCODE_THREADS=${String(results.ladder.encodeThreads)}`],
      ],
    ),
    "The machine is shared with other work, so absolute times move from run to run; the ratios come from runs alternated in the same session.",
    "## Headline",
    headline(results).join("\n") || "(no section finished)",
  ];
  for (const id of Object.keys(TITLES) as SectionId[]) {
    body.push(`## ${TITLES[id]}`);
    const outcome = results.sections[id];
    if (outcome.status === "skipped") {
      body.push(`Skipped: ${outcome.reason}.`);
      continue;
    }
    if (outcome.status === "failed") {
      body.push(`**Failed** after ${f(outcome.seconds, 0)} s: ${outcome.error}`);
      continue;
    }
    if (results.stoppedMidway.includes(id))
      body.push("**Stopped midway**: the run was stopped during this section; it shows what had finished.");
    body.push(sectionBody(results, id), results.stoppedMidway.includes(id) ? "" : `(section time: ${f(outcome.seconds, 0)} s)`);
  }
  return `${body.join("\n\n")}\n`;
}
