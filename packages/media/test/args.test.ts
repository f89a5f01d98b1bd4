import { describe, expect, it } from "vitest";
import { defaultLadderConfig } from "@aq/config";
import { buildEncodeArgs, buildFilterGraph } from "../src/encode-args.js";
import { planLadder } from "../src/ladder.js";
import type { MediaInfo } from "../src/media-info.js";
import { buildNormalizeArgs, normalizedFileName } from "../src/normalize.js";
import { parseProbeJson } from "../src/probe.js";

function info(options: { audio?: boolean; hdr?: boolean; codec?: string; fps?: string } = {}): MediaInfo {
  return parseProbeJson("/in.mp4", {
    format: { format_name: "mov,mp4,m4a,3gp,3g2,mj2", duration: "20" },
    streams: [
      ...(options.audio === false ? [] : [{ index: 0, codec_type: "audio", codec_name: "aac", channels: 2, sample_rate: "44100" }]),
      {
        index: 1,
        codec_type: "video",
        codec_name: options.codec ?? "h264",
        width: 1920,
        height: 1080,
        r_frame_rate: options.fps ?? "30/1",
        avg_frame_rate: options.fps ?? "30/1",
        pix_fmt: options.hdr ? "yuv420p10le" : "yuv420p",
        ...(options.hdr ? { color_transfer: "smpte2084", color_primaries: "bt2020", color_space: "bt2020nc" } : {}),
      },
      ...(options.audio === false ? [] : [{ index: 2, codec_type: "audio", codec_name: "aac", channels: 2, sample_rate: "44100" }]),
    ],
  });
}

function valuesOf(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
}

const weirdInput = "/tmp/up load/it's 100%:v [x].mp4";

describe("buildEncodeArgs", () => {
  const source = info();
  const plan = planLadder(source, defaultLadderConfig);
  const args = buildEncodeArgs({
    input: weirdInput,
    info: source,
    plan,
    preset: "medium",
    rateControl: { mode: "capped-crf", crf: 19 },
    threads: 0,
    toneMap: true,
  });

  it("opens only the input, through the demuxer allow-list, as a file: path in one argument", () => {
    const i = args.indexOf("-i");
    expect(args[i + 1]).toBe(`file:${weirdInput}`);
    expect(args.indexOf("-format_whitelist")).toBeLessThan(i);
    expect(valuesOf(args, "-protocol_whitelist")).toEqual(["file"]);
    expect(args.join(" ")).not.toContain("segments/%v_%03d.ts /");
    expect(args).toContain("-nostdin");
  });

  it("maps the first audio track once per variant and names the variants", () => {
    expect(valuesOf(args, "-map")).toEqual(["[v0]", "0:0", "[v1]", "0:0", "[v2]", "0:0", "[v3]", "0:0"]);
    expect(valuesOf(args, "-var_stream_map")).toEqual(["v:0,a:0,name:240p v:1,a:1,name:360p v:2,a:2,name:480p v:3,a:3,name:720p"]);
    expect(valuesOf(args, "-ac")).toEqual(["2"]);
    expect(valuesOf(args, "-ar")).toEqual(["48000"]);
  });

  it("forces IDR frames on a 2 s grid with scene-cut keyframes off", () => {
    expect(valuesOf(args, "-force_key_frames")).toEqual(["expr:gte(t,n_forced*2)"]);
    expect(valuesOf(args, "-sc_threshold")).toEqual(["0"]);
    expect(valuesOf(args, "-forced-idr")).toEqual(["1"]);
    expect(valuesOf(args, "-g")).toEqual(["60"]);
    expect(valuesOf(args, "-profile:v")).toEqual(["main"]);
  });

  it("encodes every rendition at constant quality capped at the guide's bit rate", () => {
    expect(valuesOf(args, "-crf:v:3")).toEqual(["19"]);
    expect(valuesOf(args, "-maxrate:v:3")).toEqual(["2800k"]);
    expect(valuesOf(args, "-bufsize:v:3")).toEqual(["5600k"]);
    expect(valuesOf(args, "-maxrate:v:0")).toEqual(["400k"]);
    expect(args.filter((a) => a.startsWith("-b:v"))).toEqual([]);
  });

  it("keeps the guide's fixed bit rates with maxrate 1.1x when asked for them", () => {
    const fixed = buildEncodeArgs({
      input: "/in.mp4",
      info: source,
      plan,
      preset: "medium",
      rateControl: { mode: "bitrate" },
      threads: 0,
      toneMap: false,
    });
    expect(valuesOf(fixed, "-b:v:3")).toEqual(["2800k"]);
    expect(valuesOf(fixed, "-maxrate:v:3")).toEqual(["3080k"]);
    expect(valuesOf(fixed, "-maxrate:v:0")).toEqual(["440k"]);
    expect(fixed.filter((a) => a.startsWith("-crf"))).toEqual([]);
  });

  it("writes the guide's layout relative to the output folder", () => {
    expect(valuesOf(args, "-hls_segment_filename")).toEqual(["segments/%v_%03d.ts"]);
    expect(valuesOf(args, "-hls_base_url")).toEqual(["segments/"]);
    expect(valuesOf(args, "-master_pl_name")).toEqual(["master.m3u8"]);
    expect(valuesOf(args, "-hls_time")).toEqual(["6"]);
    expect(valuesOf(args, "-hls_playlist_type")).toEqual(["vod"]);
    expect(args.at(-1)).toBe("%v.m3u8");
  });

  it("builds one decode with a constant frame rate, then exact square-pixel 4:2:0 scales", () => {
    const graph = valuesOf(args, "-filter_complex")[0]!;
    expect(graph.split(";")[0]).toBe("[0:1]fps=fps=30/1,split=4[s0][s1][s2][s3]");
    expect(graph).toContain("[s3]scale=w=1280:h=720:flags=bicubic,setsar=1,format=yuv420p[v3]");
    expect(graph).not.toContain("tonemap");
  });

  it("leaves audio out of a source that has none", () => {
    const silent = info({ audio: false });
    const a = buildEncodeArgs({
      input: "/in.mp4",
      info: silent,
      plan: planLadder(silent, defaultLadderConfig),
      preset: "veryfast",
      rateControl: defaultLadderConfig.rateControl,
      threads: 2,
      toneMap: true,
    });
    expect(valuesOf(a, "-map")).toEqual(["[v0]", "[v1]", "[v2]", "[v3]"]);
    expect(valuesOf(a, "-var_stream_map")).toEqual(["v:0,name:240p v:1,name:360p v:2,name:480p v:3,name:720p"]);
    expect(a).not.toContain("-c:a");
    expect(valuesOf(a, "-threads")).toEqual(["2"]);
  });

  it("tone-maps HDR once before the split when the build can, and tags the output BT.709", () => {
    const hdr = info({ hdr: true });
    const hdrPlan = planLadder(hdr, defaultLadderConfig);
    const graph = buildFilterGraph(hdr.video!, hdrPlan, true);
    expect(graph.split(";")[0]).toMatch(/^\[0:1\]fps=fps=30\/1,zscale=tin=smpte2084:.*tonemap=tonemap=hable.*,split=4/);
    const a = buildEncodeArgs({
      input: "/in.mp4",
      info: hdr,
      plan: hdrPlan,
      preset: "medium",
      rateControl: defaultLadderConfig.rateControl,
      threads: 0,
      toneMap: true,
    });
    expect(valuesOf(a, "-color_trc")).toEqual(["bt709"]);
    expect(buildFilterGraph(hdr.video!, hdrPlan, false)).not.toContain("tonemap");
  });
});

describe("buildNormalizeArgs", () => {
  it("copies the video, re-encodes the default audio track to AAC 48 kHz and moves the index to the front", () => {
    const source = info();
    const args = buildNormalizeArgs({ input: weirdInput, output: "/work/normalized.mp4", info: source });
    expect(valuesOf(args, "-map")).toEqual(["0:1", "0:0"]);
    expect(valuesOf(args, "-c:v")).toEqual(["copy"]);
    expect(valuesOf(args, "-c:a")).toEqual(["aac"]);
    expect(valuesOf(args, "-ar")).toEqual(["48000"]);
    expect(valuesOf(args, "-movflags")).toEqual(["+faststart"]);
    expect(valuesOf(args, "-i")).toEqual([`file:${weirdInput}`]);
    expect(args.at(-1)).toBe("file:/work/normalized.mp4");
  });

  it("maps no audio when there is none", () => {
    const args = buildNormalizeArgs({ input: "/in.mp4", output: "/work/normalized.mp4", info: info({ audio: false }) });
    expect(valuesOf(args, "-map")).toEqual(["0:1"]);
    expect(args).not.toContain("-c:a");
  });

  it("copies the audio when asked (a chunked encode), into Matroska when MP4 cannot carry it as it is", () => {
    const args = buildNormalizeArgs({ input: "/in.mp4", output: "/work/normalized.mp4", info: info(), audio: "copy" });
    expect(valuesOf(args, "-c:a")).toEqual(["copy"]);
    expect(args).not.toContain("-ar");
    expect(normalizedFileName(info(), "copy")).toBe("normalized.mp4");
    const pcm = info();
    pcm.audio = { ...pcm.audio!, codec: "pcm_s16le" };
    expect(normalizedFileName(pcm, "copy")).toBe("normalized.mkv");
    expect(normalizedFileName(pcm, "encode")).toBe("normalized.mp4");
  });

  it("normalizes codecs MP4 cannot carry into Matroska", () => {
    expect(normalizedFileName(info())).toBe("normalized.mp4");
    const vp8 = info({ codec: "vp8" });
    expect(normalizedFileName(vp8)).toBe("normalized.mkv");
    const args = buildNormalizeArgs({ input: "/in.webm", output: "/work/normalized.mkv", info: vp8 });
    expect(valuesOf(args, "-f")).toEqual(["matroska"]);
    expect(args).not.toContain("-movflags");
  });
});
