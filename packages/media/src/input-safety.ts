import { resolve } from "node:path";

/**
 * Demuxers allowed to open a source. ffmpeg picks a demuxer from the content, not the file name:
 * an HLS playlist or an ffconcat list uploaded as `.mp4` would otherwise make ffmpeg read other
 * local files or fetch URLs (`-protocol_whitelist file` alone does not stop the local reads).
 * A demuxer outside this list fails with "Format not on whitelist" before it reads its header.
 */
export const ALLOWED_DEMUXERS = ["mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm", "avi", "flv", "mpegts"] as const;

/** Those containers by the names people know them by, for messages and upload forms. */
export const ACCEPTED_CONTAINERS = ["MP4", "MOV", "MKV", "WebM", "AVI", "FLV", "MPEG-TS"] as const;

/**
 * The decoders ffmpeg may open on a source (`-codec_whitelist`), by the codec ffprobe names:
 * the video and audio AQ encodes from, plus what commonly rides along in the same containers
 * (subtitles, cover art), which ffprobe opens too. Anything else fails with "Codec (x) not on
 * whitelist" before a decoder reads a byte of it.
 */
export const SUPPORTED_DECODERS = {
  video: {
    h264: ["h264"],
    hevc: ["hevc"],
    av1: ["libdav1d", "libaom-av1", "av1"],
    vp8: ["vp8", "libvpx"],
    vp9: ["vp9", "libvpx-vp9"],
    mpeg4: ["mpeg4"],
    mpeg2video: ["mpeg2video"],
    mpeg1video: ["mpeg1video"],
    mjpeg: ["mjpeg"],
    prores: ["prores"],
    dnxhd: ["dnxhd"],
    theora: ["theora"],
    flv1: ["flv"],
    h263: ["h263"],
  },
  audio: {
    aac: ["aac", "aac_fixed"],
    aac_latm: ["aac_latm"],
    mp3: ["mp3float", "mp3"],
    mp2: ["mp2float", "mp2"],
    ac3: ["ac3", "ac3_fixed"],
    eac3: ["eac3"],
    opus: ["opus", "libopus"],
    vorbis: ["vorbis", "libvorbis"],
    flac: ["flac"],
    alac: ["alac"],
    ...Object.fromEntries(
      ["pcm_s16le", "pcm_s16be", "pcm_s24le", "pcm_s24be", "pcm_s32le", "pcm_f32le", "pcm_u8", "pcm_mulaw", "pcm_alaw"].map((c) => [
        c,
        [c],
      ]),
    ),
  },
  /** Never decoded by an encode, but opened by ffprobe: refusing them would refuse the whole source. */
  companions: {
    png: ["png"],
    mov_text: ["mov_text"],
    subrip: ["srt", "subrip"],
    ass: ["ass", "ssa"],
    webvtt: ["webvtt"],
    text: ["text"],
    dvd_subtitle: ["dvdsub"],
    dvb_subtitle: ["dvbsub"],
    hdmv_pgs_subtitle: ["pgssub"],
  },
} as const satisfies Record<string, Record<string, readonly string[]>>;

const CODEC_WHITELIST = Object.values(SUPPORTED_DECODERS)
  .flatMap((byCodec) => Object.values(byCodec).flat())
  .join(",");

/** Bytes and microseconds ffmpeg may read to detect the streams of a source. */
export const PROBE_SIZE_BYTES = 32 * 1024 * 1024;
export const ANALYZE_DURATION_US = 30_000_000;

/**
 * Protocols that reach an http(s) input (a presigned GET of the normalized source in AQ's own bucket,
 * so an encoder needs no shared disk): TLS runs over TCP. Only for an input that is such a URL.
 */
const REMOTE_PROTOCOLS = ["http", "https", "tcp", "tls"];

/** Input options placed before every `-i` that opens a source or a file derived from one. */
export function inputSafetyArgs(options: { remote?: boolean } = {}): string[] {
  return [
    "-format_whitelist",
    ALLOWED_DEMUXERS.join(","),
    "-protocol_whitelist",
    options.remote ? REMOTE_PROTOCOLS.join(",") : "file",
    "-codec_whitelist",
    CODEC_WHITELIST,
    "-probesize",
    String(PROBE_SIZE_BYTES),
    "-analyzeduration",
    String(ANALYZE_DURATION_US),
  ];
}

/**
 * An absolute `file:` URL-like path: a name such as `http:x.mp4` or `concat:a|b` must not be
 * read as a protocol.
 */
export function fileArg(path: string): string {
  return `file:${resolve(path)}`;
}

/** An http(s) URL as it is (the caller's own bucket), anything else as a `file:` path (see fileArg). */
export function inputArg(input: string): string {
  return /^https?:\/\//i.test(input) ? input : fileArg(input);
}

/** The codec named in ffmpeg's "Codec (x) not on whitelist" error, when that is why opening failed. */
export function refusedCodec(stderr: string): string | null {
  return /Codec \(([\w-]+)\) not on whitelist/.exec(stderr)?.[1] ?? null;
}

/** The demuxer named in ffmpeg's "Format not on whitelist" error, when that is why opening failed. */
export function refusedDemuxer(stderr: string): string | null {
  const match = /\[([\w,-]+) @ [^\]]+\] Format not on whitelist/.exec(stderr);
  return match ? (match[1] ?? null) : stderr.includes("Format not on whitelist") ? "unknown" : null;
}
