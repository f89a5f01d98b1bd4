/**
 * What AQ makes beside the guide's HLS files (issue #18): a poster, thumbnails, a storyboard and
 * an optional MP4 download. They live in subfolders of videos/<id>/ so the guide's layout stays
 * exactly as it is, and reach players through the same signed playback route.
 */
export const IMAGES_DIR = "images";
export const POSTER_FILE = `${IMAGES_DIR}/poster.jpg`;
export const STORYBOARD_VTT = `${IMAGES_DIR}/storyboard.vtt`;
export const DOWNLOAD_DIR = "download";

/** Thumbnail i shows the frame at thumbnails.times[i]. */
export function thumbnailFile(index: number): string {
  return `${IMAGES_DIR}/thumb_${String(index).padStart(4, "0")}.jpg`;
}

/** The storyboard's sprite sheets, numbered from 0; the VTT names them relative to itself. */
export function storyboardSheetName(index: number): string {
  return `storyboard_${index}.jpg`;
}

/** A download's file name is also its object name, so the playback route can name it in Content-Disposition. */
export function downloadFile(name: string): string {
  return `${DOWNLOAD_DIR}/${name}.mp4`;
}

/** The file name a download is saved under: the title made safe for a URL path, else the video id. */
export function downloadName(title: string | null | undefined, videoId: string): string {
  const safe = (title ?? "")
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, 80);
  return safe || videoId;
}

export interface ImageSize {
  width: number;
  height: number;
}

/** The manifest of a video's extra files, stored on its row once encoded; paths are relative to videos/<id>/. */
export interface VideoAssets {
  poster: ImageSize & { path: string; timeSeconds: number };
  /** One thumbnail per storyboard frame, at these times (seconds, ascending). */
  thumbnails: ImageSize & { times: number[] };
  storyboard: { path: string; sheets: number; columns: number; rows: number; tile: ImageSize };
  /** Present when an MP4 download was asked for. */
  download?: { path: string; rendition: string; bytes: number };
  /**
   * The QC report (qc.json) a chunked encode's last step made, when it could: its uploader checks
   * the bucket against the row, with no staged listing to name the file as a single run's has.
   */
  qc?: { path: string; bytes: number };
}

/** The JPEGs a manifest names under images/: the poster, every thumbnail and every storyboard sheet. */
export function imageJpegs(assets: Omit<VideoAssets, "download">): string[] {
  return [
    assets.poster.path,
    ...assets.thumbnails.times.map((_, i) => thumbnailFile(i)),
    ...Array.from({ length: assets.storyboard.sheets }, (_, i) => `${IMAGES_DIR}/${storyboardSheetName(i)}`),
  ];
}

/** Every file a manifest names, relative to videos/<id>/: the images, the storyboard's WebVTT, the download and the QC report. */
export function assetFiles(assets: VideoAssets): string[] {
  return [
    ...imageJpegs(assets),
    assets.storyboard.path,
    ...(assets.download ? [assets.download.path] : []),
    ...(assets.qc ? [assets.qc.path] : []),
  ];
}

/** The index of the thumbnail nearest a time (times ascending, at least one). */
export function nearestThumbnail(times: readonly number[], timeSeconds: number): number {
  let best = 0;
  for (let i = 1; i < times.length; i++) {
    if (Math.abs(times[i]! - timeSeconds) < Math.abs(times[best]! - timeSeconds)) best = i;
  }
  return best;
}

/** A caption track as published: its WebVTT and segmented playlist live under captions/. */
export interface CaptionTrack {
  /** BCP 47 language tag ("en", "pt-BR"); one track per language. */
  language: string;
  /** What a player's captions menu shows. */
  label: string;
}

/**
 * A caption track completed before its video was READY: checked, kept converted to WebVTT in the
 * video's captions folder under a hidden name, and published once the video is READY.
 */
export interface PendingCaption extends CaptionTrack {
  /** Why publishing it at READY failed (completeCaptionUpload of its language tries again); null while it waits. */
  error: { code: string; message: string } | null;
}

export const CAPTIONS_DIR = "captions";
/** A language tag as a caption track's key and file name: BCP 47's common forms ("en", "pt-BR", "zh-Hant-TW"). */
export const CAPTION_LANGUAGE_PATTERN = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$/;

/** The whole track as one WebVTT file (for a <track> element or a download). */
export function captionFile(language: string): string {
  return `${CAPTIONS_DIR}/${language}.vtt`;
}
/** The track's media playlist, listed in the master's SUBTITLES group. */
export function captionPlaylist(language: string): string {
  return `${CAPTIONS_DIR}/${language}.m3u8`;
}
/** Segment i of the track, covering the same 6 s as the video's segment i. */
export function captionSegment(language: string, index: number): string {
  return `${CAPTIONS_DIR}/${language}_${String(index).padStart(3, "0")}.vtt`;
}
