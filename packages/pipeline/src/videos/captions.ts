import {
  AqError,
  isTerminalStatus,
  toApiStatus,
  toErrorValue,
  type ErrorValue,
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
  type Cue,
  firstPresentationTimestamp,
  firstVariantUri,
  parseCaptions,
  segmentCaptions,
  segmentList,
  withSubtitles,
} from "@aq/media";
import { changeVideoCaptions, getVideo, type Database, type VideoRow } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import {
  deleteObject,
  deletePrefix,
  presignPut,
  putTextObject,
  readObjectBytes,
  type PresignedPut,
  type Storage,
} from "@aq/platform/storage";

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

/**
 * Where a caption completed before READY waits, converted to WebVTT, until the video is READY and
 * it is published: hidden like the upload, and in the captions folder, which the uploader's
 * output checks leave alone.
 */
export function pendingCaptionKey(videoId: string, language: string): string {
  return `${videoPrefix(videoId)}${CAPTIONS_DIR}/.pending-${language}.vtt`;
}

/** READY, or on its way there (its captions wait); NOT_FOUND when deleted, VIDEO_FAILED when failed or rejected. */
function checkCaptionable(video: VideoRow | null | undefined, videoId: string): asserts video is VideoRow {
  if (!video || video.status === "deleted") throw new AqError("NOT_FOUND", `no video with id ${videoId}`);
  if (video.status !== "ready" && isTerminalStatus(video.status)) {
    throw new AqError(
      "VIDEO_FAILED",
      `captions are added to a video that is READY or on its way there; this one is ${toApiStatus(video.status)}`,
    );
  }
}

async function captionableVideo(db: Database, videoId: string): Promise<VideoRow> {
  const video = await getVideo(db, videoId);
  checkCaptionable(video, videoId);
  return video;
}

function checkLanguage(language: string): void {
  if (!CAPTION_LANGUAGE_PATTERN.test(language)) {
    throw new AqError("INVALID_INPUT", `language must be a BCP 47 tag such as en, pt-BR or zh-Hant, got "${language.slice(0, 40)}"`);
  }
}

/** `tracks` with `track` in place of the one of its language, or added last. */
function withTrack<T extends CaptionTrack>(tracks: readonly T[], track: T): T[] {
  return tracks.some((t) => t.language === track.language)
    ? tracks.map((t) => (t.language === track.language ? track : t))
    : [...tracks, track];
}

/**
 * The first step of adding (or replacing) a caption track: a presigned PUT for the WebVTT or
 * SRT file. completeCaptionUpload then checks it, and publishes it or (before READY) keeps it.
 * The video may still be in the pipeline.
 */
export async function addCaption(deps: CaptionDeps, videoId: string, input: NewCaption): Promise<{ upload: PresignedPut }> {
  checkLanguage(input.language);
  if (!Number.isSafeInteger(input.sizeBytes) || input.sizeBytes < 1 || input.sizeBytes > MAX_CAPTION_BYTES) {
    throw new AqError("INVALID_INPUT", `sizeBytes must be 1-${MAX_CAPTION_BYTES} (a caption file is text), got ${input.sizeBytes}`);
  }
  await captionableVideo(deps.db, videoId);
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
  await putTextObject(storage, key, withSubtitles(master.toString("utf8"), tracks));
}

type Timeline = Awaited<ReturnType<typeof videoTimeline>>;

/**
 * Stores a track's files: the whole track (captions/<lang>.vtt) and its segments aligned with the
 * video's 6 s segments (captions/<lang>.m3u8, <lang>_NNN.vtt). The master does not list it yet.
 */
async function storeTrack(storage: Storage, videoId: string, language: string, cues: Cue[], timeline: Timeline): Promise<void> {
  const prefix = videoPrefix(videoId);
  const segmented = segmentCaptions(cues, timeline.segmentSeconds, timeline.startPts, (i) =>
    captionSegment(language, i).slice(CAPTIONS_DIR.length + 1),
  );
  await deletePrefix(storage, `${prefix}${CAPTIONS_DIR}/${language}_`);
  await Promise.all(segmented.segments.map((segment, i) => putTextObject(storage, prefix + captionSegment(language, i), segment)));
  await putTextObject(storage, prefix + captionFile(language), captionsVtt(cues));
  await putTextObject(storage, prefix + captionPlaylist(language), segmented.playlist);
}

/** The cues of a pending track, from the WebVTT kept when it was completed. */
async function pendingCues(storage: Storage, videoId: string, language: string): Promise<Cue[]> {
  const kept = await readObjectBytes(storage, pendingCaptionKey(videoId, language), MAX_CAPTION_BYTES * 2);
  if (!kept) throw new AqError("NOT_FOUND", `the kept ${language} caption file is missing from storage: upload it again`);
  return parseCaptions(kept.toString("utf8")).cues;
}

/**
 * Checks the uploaded caption file (CAPTION_INVALID naming its first bad line) and converts SRT
 * to WebVTT. On a READY video it stores the track (storeTrack) and lists it in the master's
 * SUBTITLES group; nothing else of the video changes. Before READY it keeps the WebVTT
 * (pendingCaptionKey) and records the track as pending: publishPendingCaptions publishes it once
 * the video is READY. Called with no new upload for a language that is pending (its publishing
 * failed), it publishes the kept file if the video is READY by now.
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
  await captionableVideo(deps.db, videoId);
  const uploaded = await readObjectBytes(deps.storage, captionUploadKey(videoId, language), MAX_CAPTION_BYTES + 1);
  let cues: Cue[] | undefined;
  if (uploaded) {
    try {
      if (uploaded.length > MAX_CAPTION_BYTES) throw new AqError("CAPTION_INVALID", `the caption file is over ${MAX_CAPTION_BYTES} bytes`);
      cues = parseCaptions(new TextDecoder("utf-8", { fatal: false }).decode(uploaded)).cues;
    } catch (error) {
      // A refused file is of no further use: the client uploads a corrected one.
      await deleteObject(deps.storage, captionUploadKey(videoId, language));
      throw error;
    }
  }

  let publishedPending = false;
  // Under the row lock: the video's move to READY waits, so a track is either pending when the
  // uploader publishes the pending ones, or published here.
  const updated = await changeVideoCaptions(deps.db, videoId, async (row) => {
    checkCaptionable(row, videoId);
    const pending = row.pendingCaptions.find((track) => track.language === language);
    const previous = row.captions.find((track) => track.language === language);
    if (!cues) {
      if (!pending) throw new AqError("NOT_FOUND", `no caption file was uploaded for ${language}: PUT it to the URL addCaption gave first`);
      cues = await pendingCues(deps.storage, videoId, language);
    }
    const track = { language, label: given || pending?.label || previous?.label || language };
    if (row.status !== "ready") {
      await putTextObject(deps.storage, pendingCaptionKey(videoId, language), captionsVtt(cues));
      return { pendingCaptions: withTrack(row.pendingCaptions, { ...track, error: null }) };
    }
    await storeTrack(deps.storage, videoId, language, cues, await videoTimeline(deps.storage, videoId));
    const captions = withTrack(row.captions, track);
    await publishMaster(deps.storage, videoId, captions);
    publishedPending = pending !== undefined;
    return { captions, pendingCaptions: row.pendingCaptions.filter((t) => t.language !== language) };
  });
  if (!updated) throw new AqError("NOT_FOUND", `no video with id ${videoId}`);
  if (uploaded) await deleteObject(deps.storage, captionUploadKey(videoId, language));
  if (publishedPending) await deleteObject(deps.storage, pendingCaptionKey(videoId, language));
  return updated;
}

export interface PendingCaptionsResult {
  published: string[];
  failed: { language: string; error: ErrorValue }[];
}

/**
 * Publishes a READY video's pending caption tracks (those not marked failed) as
 * completeCaptionUpload publishes a track, under the row lock: run twice, or beside a
 * completeCaptionUpload, each track is published once. A track that fails stays pending with
 * its error recorded (completeCaptionUpload of its language tries again); this never throws, so
 * the video is READY whatever becomes of its captions.
 */
export async function publishPendingCaptions(
  deps: { db: Database; storage: Storage; log: Logger },
  videoId: string,
): Promise<PendingCaptionsResult> {
  const result: PendingCaptionsResult = { published: [], failed: [] };
  try {
    await changeVideoCaptions(deps.db, videoId, async (row) => {
      const waiting = row.pendingCaptions.filter((track) => track.error === null);
      if (row.status !== "ready" || waiting.length === 0) return {};
      const failed = new Map<string, ErrorValue>();
      let captions = row.captions;
      try {
        const timeline = await videoTimeline(deps.storage, videoId);
        for (const { language, label } of waiting) {
          try {
            await storeTrack(deps.storage, videoId, language, await pendingCues(deps.storage, videoId, language), timeline);
            captions = withTrack(captions, { language, label });
          } catch (error) {
            failed.set(language, toErrorValue(error));
          }
        }
        if (captions !== row.captions) await publishMaster(deps.storage, videoId, captions);
      } catch (error) {
        // No timeline, or no master written: none of them is published.
        captions = row.captions;
        for (const { language } of waiting) if (!failed.has(language)) failed.set(language, toErrorValue(error));
      }
      result.published = waiting.filter((t) => !failed.has(t.language)).map((t) => t.language);
      result.failed = [...failed].map(([language, error]) => ({ language, error }));
      const pendingCaptions = row.pendingCaptions
        .filter((t) => !result.published.includes(t.language))
        .map((t) => {
          const error = failed.get(t.language);
          return error ? { ...t, error: { code: error.code, message: error.message } } : t;
        });
      return { captions, pendingCaptions };
    });
  } catch (error) {
    // The tracks stay pending (the row did not change): completeCaptionUpload publishes them.
    deps.log.error({ videoId, err: toErrorValue(error) }, "captions: the pending tracks could not be published; they stay pending");
    return { published: [], failed: [] };
  }
  for (const language of result.published) {
    await deleteObject(deps.storage, pendingCaptionKey(videoId, language)).catch((error: unknown) =>
      deps.log.warn({ videoId, language, err: toErrorValue(error) }, "captions: a published track's kept file could not be deleted"),
    );
  }
  if (result.published.length) deps.log.info({ videoId, languages: result.published }, "captions: pending tracks published");
  for (const { language, error } of result.failed) {
    deps.log.error({ videoId, language, code: error.code, message: error.message }, "captions: a pending track could not be published");
  }
  return result;
}

/** Takes a track out of the master's SUBTITLES group (or off the pending list), then deletes its files. */
export async function removeCaption(deps: Pick<CaptionDeps, "db" | "storage">, videoId: string, language: string): Promise<VideoRow> {
  checkLanguage(language);
  const gone = () => new AqError("NOT_FOUND", `no video with id ${videoId}`);
  const updated = await changeVideoCaptions(deps.db, videoId, async (row) => {
    if (row.status === "deleted") throw gone();
    const pendingCaptions = row.pendingCaptions.filter((track) => track.language !== language);
    const captions = row.captions.filter((track) => track.language !== language);
    if (captions.length === row.captions.length) {
      if (pendingCaptions.length === row.pendingCaptions.length) throw new AqError("NOT_FOUND", `this video has no ${language} captions`);
      return { pendingCaptions };
    }
    await publishMaster(deps.storage, videoId, captions);
    return { captions, pendingCaptions };
  });
  if (!updated) throw gone();
  const prefix = `${videoPrefix(videoId)}${CAPTIONS_DIR}/`;
  await deletePrefix(deps.storage, `${prefix}${language}.`);
  await deletePrefix(deps.storage, `${prefix}${language}_`);
  await deleteObject(deps.storage, pendingCaptionKey(videoId, language));
  return updated;
}
