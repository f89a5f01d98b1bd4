import { ERROR_CODES, type ErrorCode } from "./error-codes.js";

/** What an error code means to the person who sent the video, and what they can do about it. */
export interface ErrorExplanation {
  /** One plain sentence: what went wrong, without AQ's internal words. */
  summary: string;
  /** One sentence: what to do next. */
  nextStep: string;
  /**
   * Whether retryVideo can help: true when the cause lies with the service (disk, storage, a
   * timeout) and may be gone on the next run; false when the source itself is the cause (a
   * retry would only repeat the verdict) or when there is nothing to retry.
   */
  retryable: boolean;
}

const UPLOAD_NEW_FILE = "Upload a new file.";
const ASK_OPERATOR = "Ask the operator of this AQ service to look at its logs.";

/**
 * Every error code as people read it: the one place the API (VideoError.summary, nextStep,
 * retryable) and the web app take their wording from. The stored message stays the precise,
 * technical sentence; this is the plain one beside it.
 */
export const ERROR_EXPLANATIONS = {
  SOURCE_NOT_FOUND: {
    summary: "The uploaded file never arrived in storage.",
    nextStep: "Upload the file again and wait until the upload has finished.",
    retryable: false,
  },
  SOURCE_UNREADABLE: { summary: "The uploaded file could not be read.", nextStep: UPLOAD_NEW_FILE, retryable: false },
  SOURCE_EMPTY: { summary: "The uploaded file is empty.", nextStep: UPLOAD_NEW_FILE, retryable: false },
  SOURCE_NOT_MEDIA: { summary: "This file is not a video.", nextStep: "Upload a video file, for example an MP4.", retryable: false },
  SOURCE_UNSUPPORTED_FORMAT: {
    summary: "This video's format is not one AQ can read.",
    nextStep: "Export or convert it to MP4 (H.264 with AAC audio), then upload that file.",
    retryable: false,
  },
  SOURCE_NO_VIDEO: {
    summary: "This file has sound or pictures without a video track.",
    nextStep: "Upload a file that contains a video track.",
    retryable: false,
  },
  SOURCE_TOO_SHORT: {
    summary: "This video is too short.",
    nextStep: "Upload a longer video; the message says the shortest length accepted.",
    retryable: false,
  },
  SOURCE_TOO_LONG: {
    summary: "This video is longer than this service accepts.",
    nextStep: "Split it into shorter parts and upload those.",
    retryable: false,
  },
  SOURCE_TOO_SMALL: {
    summary: "This video's picture is too small for the quality ladder.",
    nextStep: "Upload a larger version of it; the message says the smallest size accepted.",
    retryable: false,
  },
  SOURCE_TOO_LARGE: {
    summary: "This video is larger than this service accepts.",
    nextStep: "Compress it or scale it down, then upload the smaller file.",
    retryable: false,
  },
  SOURCE_FETCH_FAILED: {
    summary: "The video could not be downloaded from its URL.",
    nextStep: "Check that the URL opens from the internet, then submit it again.",
    retryable: false,
  },
  SOURCE_URL_REFUSED: {
    summary: "This URL points at a private or unsupported address.",
    nextStep: "Give a public http(s) URL of the video.",
    retryable: false,
  },
  ENCODE_FAILED: {
    summary: "The video could not be converted: the file is probably damaged or cut short.",
    nextStep: "Upload a new file, for example a fresh export from your editor.",
    retryable: false,
  },
  ENCODE_INCOMPLETE: {
    summary: "Only part of the video could be converted: the file is damaged or cut short.",
    nextStep: "Upload a new file, for example a fresh export from your editor.",
    retryable: false,
  },
  ENCODE_TIMEOUT: { summary: "The conversion took longer than this service allows.", nextStep: ASK_OPERATOR, retryable: true },
  ENCODE_STALLED: {
    summary: "The conversion stopped making progress, which usually means a damaged file.",
    nextStep: UPLOAD_NEW_FILE,
    retryable: false,
  },
  ENCODE_ABORTED: {
    summary: "The conversion was interrupted when an encoder shut down.",
    nextStep: "Nothing: another encoder picks it up; retry if it does not move.",
    retryable: true,
  },
  NORMALIZE_FAILED: {
    summary: "The video could not be prepared for conversion, often because of a damaged audio track.",
    nextStep: UPLOAD_NEW_FILE,
    retryable: false,
  },
  VERIFY_FAILED: { summary: "The converted video failed its final check.", nextStep: ASK_OPERATOR, retryable: true },
  QC_FAILED: {
    summary: "One quality check of the converted video could not be measured.",
    nextStep: "Nothing to do: the video plays; the quality report lists what is missing.",
    retryable: false,
  },
  CHUNK_INPUT_MISSING: {
    summary: "A part of the video could not be converted: its intermediate file was missing from storage.",
    nextStep: "Retry the video; if it happens again, ask the operator of this AQ service.",
    retryable: true,
  },
  INSUFFICIENT_DISK: { summary: "The encoder ran out of disk space.", nextStep: ASK_OPERATOR, retryable: true },
  FFMPEG_MISSING: { summary: "The encoder is missing a tool it needs.", nextStep: ASK_OPERATOR, retryable: true },
  UPLOAD_FAILED: { summary: "The converted video could not be saved to storage.", nextStep: "Retry in a few minutes.", retryable: true },
  UPLOAD_MISMATCH: {
    summary: "The converted video in storage did not match what was made.",
    nextStep: "Retry in a few minutes.",
    retryable: true,
  },
  UPLOAD_INCOMPLETE: {
    summary: "Some parts of the upload are not in storage yet, or are not the ones that were sent.",
    nextStep: "Resume the upload with the same file, then complete it again.",
    retryable: false,
  },
  CLEANUP_FAILED: { summary: "Some files could not be removed from storage.", nextStep: "Delete the video again.", retryable: false },
  INVALID_INPUT: {
    summary: "The request was not accepted as sent.",
    nextStep: "Change what the message names and send it again.",
    retryable: false,
  },
  INVALID_VIDEO_ID: { summary: "This is not a video id.", nextStep: "Open the video from the library.", retryable: false },
  INVALID_CONFIG: { summary: "The service is not configured correctly.", nextStep: ASK_OPERATOR, retryable: false },
  INVALID_EVENT: { summary: "The service received a message it could not read.", nextStep: ASK_OPERATOR, retryable: false },
  NOT_FOUND: { summary: "There is no video with this id.", nextStep: "Open the video from the library.", retryable: false },
  NOT_RETRYABLE: {
    summary: "A retry cannot help this video now.",
    nextStep: "Wait while it is being worked on, or upload a new file if it failed.",
    retryable: false,
  },
  INTERNAL: { summary: "Something went wrong inside the service.", nextStep: ASK_OPERATOR, retryable: true },
  OUTPUT_NOT_EMPTY: {
    summary: "The output folder already holds other files.",
    nextStep: "Choose an empty or new folder.",
    retryable: false,
  },
  WEBHOOK_URL_REFUSED: {
    summary: "This webhook address points at a private or unsupported address.",
    nextStep: "Give a public http(s) URL for the webhook.",
    retryable: false,
  },
  CAPTION_INVALID: {
    summary: "This caption file could not be read as WebVTT or SRT.",
    nextStep: "Fix the line the message names (or export the captions again) and upload the file again.",
    retryable: false,
  },
  VIDEO_FAILED: {
    summary: "This video failed or was rejected, so nothing can be added to it.",
    nextStep: "Retry the video (or upload it again), then add the captions.",
    retryable: false,
  },
  WEBHOOKS_NOT_CONFIGURED: { summary: "Webhooks are not set up on this service.", nextStep: ASK_OPERATOR, retryable: false },
  PLAN_UNAVAILABLE: {
    summary: "No probe service answered in time, so the plan could not be made.",
    nextStep: "Try again in a minute; if it keeps happening, ask the operator of this AQ service.",
    retryable: true,
  },
} as const satisfies Record<ErrorCode, ErrorExplanation>;

/** Codes from outside AQ's list (the gateway's own, e.g. UNAUTHENTICATED) read as INTERNAL would. */
const UNKNOWN: ErrorExplanation = {
  summary: "Something went wrong.",
  nextStep: "Try again; if it keeps happening, ask the operator of this AQ service.",
  retryable: false,
};

export function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

/** The plain explanation of any code a video or an API answer carries. */
export function explainError(code: string): ErrorExplanation {
  return isErrorCode(code) ? ERROR_EXPLANATIONS[code] : UNKNOWN;
}

/** Whether retryVideo can help a video that failed with this code. */
export function isRetryableError(code: string): boolean {
  return explainError(code).retryable;
}
