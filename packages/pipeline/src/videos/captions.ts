import {
  AqError,
  CAPTION_LANGUAGE_PATTERN,
  captionFile,
  captionPlaylist,
  captionSegment,
  CAPTIONS_DIR,
  MASTER_PLAYLIST,
  videoPrefix,
  type CaptionTrack,
} from "@aq/contracts";
import {
  captionsVtt,
  firstPresentationTimestamp,
  firstVariantUri,
  parseCaptions,
  segmentCaptions,
  segmentList,
  withSubtitles,
} from "@aq/media";
import { changeVideoCaptions, getVideo, type Database, type VideoRow } from "@aq/platform/db";
import { deleteObject, deletePrefix, presignPut, putText, readObjectBytes, type PresignedPut, type Storage } from "@aq/platform/storage";

/** Caption files are text: 2 MiB holds many hours of cues. */
export const MAX_CAPTION_BYTES = 2 * 1024 * 1024;
const MAX_LABEL_LENGTH = 100;
/** The signed Content-Type of a caption upload, whatever the format (the file itself says which). */
const CAPTION_UPLOAD_CONTENT_TYPE = "text/plain; charset=utf-8";
/** Enough of the first segment to hold its first audio and video timestamps. */
const TS_HEAD_BYTES = 256 * 1024;

export interface CaptionDeps {
  db: Database;
  storage: Storage;
  /** Signs the upload URL (the endpoint browsers reach). */
  uploadStorage: Storage;
  uploadUrlTtlSeconds: number;
}

export interface NewCaption {
  language: string;
  sizeBytes: number;
}

/** A published track as the API shows it: with its video, to sign its URL. */
export interface VideoCaption extends CaptionTrack {
  video: VideoRow;
}

/**
 * Where a caption file waits between its upload and completeCaptionUpload: in the video's own
 * folder, so deleteVideo removes it, but not under uploads/<id>/, which the gateway's upload
 * sweep empties for READY videos (it could take the file between the PUT and the completion).
 * The leading dot keeps it off the playback route (parsePlaybackPath refuses hidden names).
 */
export function captionUploadKey(videoId: string, language: string): string {
  return `${videoPrefix(videoId)}${CAPTIONS_DIR}/.upload-${language}`;
}

async function readyVideo(db: Database, videoId: string): Promise<VideoRow> {
  const video = await getVideo(db, videoId);
  if (!video || video.status === "deleted") throw new AqError("NOT_FOUND", `no video with id ${videoId}`);
  if (video.status !== "ready") {
    throw new AqError("VIDEO_NOT_READY", `captions are added to a READY video; this one is ${video.status.toUpperCase()}`);
  }
  return video;
}

function checkLanguage(language: string): void {
  if (!CAPTION_LANGUAGE_PATTERN.test(language)) {
    throw new AqError("INVALID_INPUT", `language must be a BCP 47 tag such as en, pt-BR or zh-Hant, got "${language.slice(0, 40)}"`);
  }
}

/**
 * The first step of adding (or replacing) a caption track: a presigned PUT for the WebVTT or
 * SRT file. completeCaptionUpload then checks and publishes it.
 */
export async function addCaption(deps: CaptionDeps, videoId: string, input: NewCaption): Promise<{ upload: PresignedPut }> {
  checkLanguage(input.language);
  if (!Number.isSafeInteger(input.sizeBytes) || input.sizeBytes < 1 || input.sizeBytes > MAX_CAPTION_BYTES) {
    throw new AqError("INVALID_INPUT", `sizeBytes must be 1-${MAX_CAPTION_BYTES} (a caption file is text), got ${input.sizeBytes}`);
  }
  await readyVideo(deps.db, videoId);
  const upload = await presignPut(deps.uploadStorage, captionUploadKey(videoId, input.language), {
    contentType: CAPTION_UPLOAD_CONTENT_TYPE,
    contentLength: input.sizeBytes,
    expiresInSeconds: deps.uploadUrlTtlSeconds,
  });
  return { upload };
}

/** The video's segment durations and where its timeline starts, read from the stored output. */
async function videoTimeline(storage: Storage, videoId: string): Promise<{ segmentSeconds: number[]; startPts: number }> {
  const prefix = videoPrefix(videoId);
  const read = async (path: string, max = MAX_CAPTION_BYTES) => {
    const bytes = await readObjectBytes(storage, prefix + path, max);
    if (!bytes) throw new AqError("NOT_FOUND", `the video's ${path} is missing from storage`);
    return bytes;
  };
  const firstVariant = firstVariantUri((await read(MASTER_PLAYLIST)).toString("utf8"));
  if (!firstVariant) throw new AqError("INTERNAL", `${MASTER_PLAYLIST} lists no variant`);
  const segments = segmentList((await read(firstVariant)).toString("utf8"));
  if (segments.length === 0) throw new AqError("INTERNAL", `${firstVariant} lists no segments`);
  const startPts = firstPresentationTimestamp(await read(segments[0]!.uri, TS_HEAD_BYTES));
  if (startPts === null) throw new AqError("INTERNAL", `no timestamp in ${segments[0]!.uri}`);
  return { segmentSeconds: segments.map((s) => s.durationSeconds), startPts };
}

/** Writes the master with exactly these tracks in its SUBTITLES group. */
async function publishMaster(storage: Storage, videoId: string, tracks: CaptionTrack[]): Promise<void> {
  const key = `${videoPrefix(videoId)}${MASTER_PLAYLIST}`;
  const master = await readObjectBytes(storage, key, MAX_CAPTION_BYTES);
  if (!master) throw new AqError("NOT_FOUND", `the video's ${MASTER_PLAYLIST} is missing from storage`);
  await putText(storage, key, withSubtitles(master.toString("utf8"), tracks));
}

/**
 * Checks the uploaded caption file (CAPTION_INVALID naming its first bad line), converts SRT to
 * WebVTT, stores the whole track (captions/<lang>.vtt) and its segments aligned with the
 * video's 6 s segments (captions/<lang>.m3u8, <lang>_NNN.vtt), then lists it in the master's
 * SUBTITLES group. Nothing else of the video changes.
 */
export async function completeCaptionUpload(
  deps: CaptionDeps,
  videoId: string,
  language: string,
  label?: string | null,
): Promise<VideoRow> {
  checkLanguage(language);
  const given = label?.trim();
  if (given !== undefined && (given.length > MAX_LABEL_LENGTH || /\p{Cc}/u.test(given))) {
    throw new AqError("INVALID_INPUT", `label must be at most ${MAX_LABEL_LENGTH} printable characters`);
  }
  await readyVideo(deps.db, videoId);
  const uploaded = await readObjectBytes(deps.storage, captionUploadKey(videoId, language), MAX_CAPTION_BYTES + 1);
  if (!uploaded) throw new AqError("NOT_FOUND", `no caption file was uploaded for ${language}: PUT it to the URL addCaption gave first`);
  let cues;
  try {
    if (uploaded.length > MAX_CAPTION_BYTES) throw new AqError("CAPTION_INVALID", `the caption file is over ${MAX_CAPTION_BYTES} bytes`);
    cues = parseCaptions(new TextDecoder("utf-8", { fatal: false }).decode(uploaded)).cues;
  } catch (error) {
    // A refused file is of no further use: the client uploads a corrected one.
    await deleteObject(deps.storage, captionUploadKey(videoId, language));
    throw error;
  }

  const prefix = videoPrefix(videoId);
  const { segmentSeconds, startPts } = await videoTimeline(deps.storage, videoId);
  const segmented = segmentCaptions(cues, segmentSeconds, startPts, (i) => captionSegment(language, i).slice(CAPTIONS_DIR.length + 1));
  await deletePrefix(deps.storage, `${prefix}${CAPTIONS_DIR}/${language}_`);
  await Promise.all(segmented.segments.map((segment, i) => putText(deps.storage, prefix + captionSegment(language, i), segment)));
  await putText(deps.storage, prefix + captionFile(language), captionsVtt(cues));
  await putText(deps.storage, prefix + captionPlaylist(language), segmented.playlist);

  const updated = await changeVideoCaptions(deps.db, videoId, async (row) => {
    const previous = row.captions.find((track) => track.language === language);
    const track = { language, label: given || previous?.label || language };
    const tracks = previous ? row.captions.map((t) => (t.language === language ? track : t)) : [...row.captions, track];
    await publishMaster(deps.storage, videoId, tracks);
    return tracks;
  });
  if (!updated) throw new AqError("NOT_FOUND", `no video with id ${videoId}`);
  await deleteObject(deps.storage, captionUploadKey(videoId, language));
  return updated;
}

/** Takes a track out of the master's SUBTITLES group, then deletes its files. */
export async function removeCaption(deps: Pick<CaptionDeps, "db" | "storage">, videoId: string, language: string): Promise<VideoRow> {
  checkLanguage(language);
  await readyVideo(deps.db, videoId);
  const updated = await changeVideoCaptions(deps.db, videoId, async (row) => {
    if (!row.captions.some((track) => track.language === language)) {
      throw new AqError("NOT_FOUND", `this video has no ${language} captions`);
    }
    const tracks = row.captions.filter((track) => track.language !== language);
    await publishMaster(deps.storage, videoId, tracks);
    return tracks;
  });
  if (!updated) throw new AqError("NOT_FOUND", `no video with id ${videoId}`);
  const prefix = `${videoPrefix(videoId)}${CAPTIONS_DIR}/`;
  await deletePrefix(deps.storage, `${prefix}${language}.`);
  await deletePrefix(deps.storage, `${prefix}${language}_`);
  return updated;
}
