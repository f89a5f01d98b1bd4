/* eslint-disable */
// Generated from schema.graphql by src/codegen (npm run codegen). Do not edit.
import type { VideoStatus } from '@aq/contracts';
import type { GraphQLResolveInfo } from 'graphql';
import type { VideoRow, StatusChangeRow, WebhookEndpointRow, WebhookDeliveryRow, WebhookAttemptRow } from '@aq/platform/db';
import type { VideoCaption } from '@aq/pipeline';
import type { ErrorValue } from '@aq/contracts';
import type { GatewayContext } from '../graphql/context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type EnumResolverSignature<T, AllowedValues = any> = { [key in keyof T]?: AllowedValues };
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
};

export type { VideoStatus };

/** One rung of the bitrate ladder, named for its short side ("720p"). */
export type Rendition = {
  __typename?: 'Rendition';
  name: Scalars['String']['output'];
  width: Scalars['Int']['output'];
  height: Scalars['Int']['output'];
  /** Peak bits per second, as in the master playlist's BANDWIDTH. */
  bandwidth: Scalars['Int']['output'];
};

export type VideoError = {
  __typename?: 'VideoError';
  /** Stable code, e.g. SOURCE_TOO_SHORT, ENCODE_FAILED. */
  code: Scalars['String']['output'];
  /** One sentence about this video's failure, with its figures (e.g. the source's length and the limit). */
  message: Scalars['String']['output'];
  /** The code in plain words, one sentence, the same for every video (from @aq/contracts' error explanations). */
  summary: Scalars['String']['output'];
  /** What to do next, one sentence. */
  nextStep: Scalars['String']['output'];
  /** Whether retryVideo can help. False when the source itself is the cause: retryVideo refuses those with NOT_RETRYABLE. */
  retryable: Scalars['Boolean']['output'];
};

export type StatusChange = {
  __typename?: 'StatusChange';
  from?: Maybe<VideoStatus>;
  to: VideoStatus;
  /** ISO 8601. */
  at: Scalars['String']['output'];
  detail?: Maybe<Scalars['String']['output']>;
};

/**
 * A caption track: WebVTT segmented along the video's 6 s segments and listed in the master
 * playlist's SUBTITLES group, so hls.js and Safari offer it in their captions menu.
 */
export type CaptionTrack = {
  __typename?: 'CaptionTrack';
  /** BCP 47 language tag (en, pt-BR): one track per language. */
  language: Scalars['String']['output'];
  /** What a player's captions menu shows. */
  label: Scalars['String']['output'];
  /** A signed URL of the whole track as one WebVTT file (for a <track> element or a download); null unless READY. */
  url?: Maybe<Scalars['String']['output']>;
};


/**
 * A caption track: WebVTT segmented along the video's 6 s segments and listed in the master
 * playlist's SUBTITLES group, so hls.js and Safari offer it in their captions menu.
 */
export type CaptionTrackUrlArgs = {
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
};

/**
 * A caption track completed before the video was READY: the file was checked and is kept by the
 * server, converted to WebVTT. It is published (moves to Video.captions) when the video becomes
 * READY; until then players cannot show it.
 */
export type PendingCaptionTrack = {
  __typename?: 'PendingCaptionTrack';
  /** BCP 47 language tag (en, pt-BR): one track per language. */
  language: Scalars['String']['output'];
  /** What a player's captions menu will show. */
  label: Scalars['String']['output'];
  /**
   * Why publishing it when the video became READY failed; null while it waits. It stays pending:
   * completeCaptionUpload of its language (with no new file) tries again, or upload the file again.
   */
  error?: Maybe<VideoError>;
};

export type Video = {
  __typename?: 'Video';
  id: Scalars['ID']['output'];
  title?: Maybe<Scalars['String']['output']>;
  status: VideoStatus;
  /** Percent (0-100) of the current stage; 100 when READY. */
  progress?: Maybe<Scalars['Float']['output']>;
  /** Why the video was rejected or failed; null otherwise. */
  error?: Maybe<VideoError>;
  /** The renditions produced (READY) or planned (after probing); empty before. */
  renditions: Array<Rendition>;
  /** Known once the source has been probed. */
  durationSeconds?: Maybe<Scalars['Float']['output']>;
  /** Display size of the source, known once probed. */
  width?: Maybe<Scalars['Int']['output']>;
  height?: Maybe<Scalars['Int']['output']>;
  /**
   * True once the video can be played: READY, or earlier for a long source encoded in chunks, as
   * soon as the master playlist and the first segments of every rendition are stored. Until READY
   * the media playlists are EVENT playlists that grow (players reload them) and end with
   * EXT-X-ENDLIST when the encode is complete.
   */
  playable: Scalars['Boolean']['output'];
  /**
   * A signed URL of the master playlist, valid for expiresInSeconds (default and maximum set by
   * the gateway's configuration). Null until the video is playable.
   */
  playbackUrl?: Maybe<Scalars['String']['output']>;
  /**
   * A signed link to the ffmpeg log of the video's last encode attempt (plain text, kept under
   * logs/<id>/ in the bucket), valid like playbackUrl; null until an encode attempt ended.
   */
  logUrl?: Maybe<Scalars['String']['output']>;
  /**
   * A signed URL of the poster (JPEG at the largest rendition's size): the least dark of a few
   * keyframes around 10 % of the duration that is not black or blank. Null until READY. Every URL
   * below is signed like playbackUrl (same expiresInSeconds rules) and served by the playback route.
   */
  posterUrl?: Maybe<Scalars['String']['output']>;
  /**
   * A signed URL of the thumbnail (JPEG, 640 px on the long side) nearest `time` seconds.
   * Thumbnails are made every 2 s, further apart for videos over about 6.5 minutes (at most about
   * 200 per video). Null until READY.
   */
  thumbnailUrl?: Maybe<Scalars['String']['output']>;
  /**
   * A signed URL of the storyboard: a WebVTT file whose cues name tiles of sprite sheets
   * (`storyboard_0.jpg#xywh=x,y,w,h`, relative to the VTT), the form hls.js, video.js and
   * Vidstack use for previews on the seek bar. Null until READY.
   */
  storyboardUrl?: Maybe<Scalars['String']['output']>;
  /** Whether this video makes a progressive MP4 download (createVideo's mp4Download, else the gateway's MP4_DOWNLOAD_DEFAULT). */
  mp4Download: Scalars['Boolean']['output'];
  /**
   * A signed URL of the MP4 download (faststart, remuxed from the 720p rendition or the largest
   * below it), served with `Content-Disposition: attachment` and a file name from the title.
   * Null until READY, and when no download was asked for.
   */
  downloadUrl?: Maybe<Scalars['String']['output']>;
  /** Caption tracks, in the order the master playlist lists them (its SUBTITLES group). */
  captions: Array<CaptionTrack>;
  /** Caption tracks completed before READY, published when the video becomes READY (empty once published). */
  pendingCaptions: Array<PendingCaptionTrack>;
  /** How many times the current stage has been attempted. */
  attempts: Scalars['Int']['output'];
  /** ISO 8601. */
  createdAt: Scalars['String']['output'];
  /** ISO 8601. */
  updatedAt: Scalars['String']['output'];
  /** Every status change, oldest first. */
  history: Array<StatusChange>;
  /** What was measured on the stored output (also videos/<id>/qc.json in the bucket); null until READY. */
  qc?: Maybe<QcReport>;
};


export type VideoPlaybackUrlArgs = {
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
};


export type VideoLogUrlArgs = {
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
};


export type VideoPosterUrlArgs = {
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
};


export type VideoThumbnailUrlArgs = {
  time: Scalars['Float']['input'];
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
};


export type VideoStoryboardUrlArgs = {
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
};


export type VideoDownloadUrlArgs = {
  expiresInSeconds?: InputMaybe<Scalars['Int']['input']>;
};

/** The quality-control report of an encoded video. Warnings are things to know; none fails the video. */
export type QcReport = {
  __typename?: 'QcReport';
  /** ISO 8601. */
  measuredAt: Scalars['String']['output'];
  sourceDurationSeconds?: Maybe<Scalars['Float']['output']>;
  renditions: Array<QcRendition>;
  /** Every sampled segment start is a keyframe at the same time in every rendition (players switch cleanly). */
  keyframesAligned: Scalars['Boolean']['output'];
  /** The top rendition against the source on one segment; null when not comparable (a tone-mapped HDR source). */
  qualitySample?: Maybe<QcQualitySample>;
  /** Null when the video has no audio. */
  audio?: Maybe<QcAudio>;
  warnings: Array<Scalars['String']['output']>;
};

export type QcRendition = {
  __typename?: 'QcRendition';
  name: Scalars['String']['output'];
  /** BANDWIDTH in the master playlist, bits/s. */
  declaredBandwidth: Scalars['Int']['output'];
  averageBitrate: Scalars['Int']['output'];
  /** Highest segment bit rate (the HLS definition of peak), bits/s. */
  peakBitrate: Scalars['Int']['output'];
  durationSeconds: Scalars['Float']['output'];
  segmentCount: Scalars['Int']['output'];
  longestSegmentSeconds: Scalars['Float']['output'];
};

export type QcQualitySample = {
  __typename?: 'QcQualitySample';
  rendition: Scalars['String']['output'];
  startSeconds: Scalars['Float']['output'];
  seconds: Scalars['Float']['output'];
  /** SSIM of the luma plane, 0-1. */
  ssimY: Scalars['Float']['output'];
  /** PSNR of the luma plane in dB; null for identical pictures. */
  psnrY?: Maybe<Scalars['Float']['output']>;
};

export type QcAudio = {
  __typename?: 'QcAudio';
  /** EBU R128 integrated loudness, LUFS; null for silence. */
  integratedLufs?: Maybe<Scalars['Float']['output']>;
  /** EBU R128 true peak, dBTP; null for digital silence. */
  truePeakDbtp?: Maybe<Scalars['Float']['output']>;
  silent: Scalars['Boolean']['output'];
};

export type UploadSourceInput = {
  /** The original file name (only used to name the stored object). */
  filename: Scalars['String']['input'];
  /** A video/* MIME type or application/octet-stream; the upload must send the same Content-Type. */
  contentType: Scalars['String']['input'];
  /** Exact size of the file; completeVideoUpload checks it. */
  sizeBytes: Scalars['Float']['input'];
};

/** Exactly one of upload or sourceUrl. */
export type CreateVideoInput = {
  title?: InputMaybe<Scalars['String']['input']>;
  /** Direct upload: the payload returns a presigned PUT the client sends the file to. */
  upload?: InputMaybe<UploadSourceInput>;
  /** An http(s):// URL the probe service fetches, or s3://<bucket>/<key> in the service's own bucket. */
  sourceUrl?: InputMaybe<Scalars['String']['input']>;
  /** Also make a progressive MP4 download (Video.downloadUrl). Default: the gateway's MP4_DOWNLOAD_DEFAULT. */
  mp4Download?: InputMaybe<Scalars['Boolean']['input']>;
};

export type HttpHeader = {
  __typename?: 'HttpHeader';
  name: Scalars['String']['output'];
  value: Scalars['String']['output'];
};

/** Send the file with this method and these headers to this URL, before expiresAt. */
export type UploadTarget = {
  __typename?: 'UploadTarget';
  url: Scalars['String']['output'];
  method: Scalars['String']['output'];
  headers: Array<HttpHeader>;
  /** ISO 8601. */
  expiresAt: Scalars['String']['output'];
};

export type AddCaptionInput = {
  videoId: Scalars['ID']['input'];
  /** BCP 47 language tag (en, pt-BR, zh-Hant); adding a language the video has replaces that track. */
  language: Scalars['String']['input'];
  /** Exact size of the caption file (at most 2 MiB). */
  sizeBytes: Scalars['Float']['input'];
};

export type AddCaptionPayload = {
  __typename?: 'AddCaptionPayload';
  /** PUT the WebVTT or SRT file here (with these headers), then call completeCaptionUpload. */
  upload: UploadTarget;
};

/**
 * A resumable upload in parts, for files over the gateway's multipart threshold (up to 5 TiB).
 * Cut the file into partCount parts of partBytes bytes (the last one lastPartBytes), PUT each to
 * a URL from signUploadParts (in parallel, in any order), keep the ETag each PUT answers, then
 * call completeVideoUpload. After a dropped connection or a lost page, resumeVideoUpload says
 * which parts the bucket already holds.
 */
export type MultipartUpload = {
  __typename?: 'MultipartUpload';
  /** Size of every part but the last. */
  partBytes: Scalars['Float']['output'];
  lastPartBytes: Scalars['Float']['output'];
  /** Parts are numbered 1 to partCount. */
  partCount: Scalars['Int']['output'];
  /** ISO 8601. Complete the upload before this; afterwards it is aborted and the video DELETED. */
  expiresAt: Scalars['String']['output'];
  /** Parts the bucket holds with their planned size, by part number (empty on createVideo). */
  uploadedParts: Array<UploadedPart>;
};

export type UploadedPart = {
  __typename?: 'UploadedPart';
  partNumber: Scalars['Int']['output'];
  sizeBytes: Scalars['Float']['output'];
  /** As the bucket reports it (quoted). */
  etag: Scalars['String']['output'];
};

/** PUT part partNumber (exactly its size: the signature covers Content-Length) to this URL, with these headers, before expiresAt. */
export type UploadPartTarget = {
  __typename?: 'UploadPartTarget';
  partNumber: Scalars['Int']['output'];
  url: Scalars['String']['output'];
  method: Scalars['String']['output'];
  headers: Array<HttpHeader>;
  /** ISO 8601. */
  expiresAt: Scalars['String']['output'];
};

/** A part as uploaded: its number and the ETag response header of its PUT. */
export type CompletedPartInput = {
  partNumber: Scalars['Int']['input'];
  etag: Scalars['String']['input'];
};

export type CreateVideoPayload = {
  __typename?: 'CreateVideoPayload';
  video: Video;
  /** Present for upload sources up to the multipart threshold: one PUT of the whole file. */
  upload?: Maybe<UploadTarget>;
  /** Present for larger upload sources: upload in parts. */
  multipart?: Maybe<MultipartUpload>;
};

export type VideoEdge = {
  __typename?: 'VideoEdge';
  cursor: Scalars['String']['output'];
  node: Video;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  hasNextPage: Scalars['Boolean']['output'];
  /** Pass as `after` to get the next page. */
  endCursor?: Maybe<Scalars['String']['output']>;
};

export type VideoConnection = {
  __typename?: 'VideoConnection';
  edges: Array<VideoEdge>;
  pageInfo: PageInfo;
};

/** A video's progress: the first event is its current state, then one per status change or progress report. */
export type VideoProgress = {
  __typename?: 'VideoProgress';
  videoId: Scalars['ID']['output'];
  status: VideoStatus;
  /** The pipeline stage: upload, probe, encode, store, done. */
  stage: Scalars['String']['output'];
  /** Percent (0-100) of the current stage. */
  percent: Scalars['Float']['output'];
  /** Encoding frames per second, while encoding. */
  fps?: Maybe<Scalars['Float']['output']>;
  /** Encoding speed relative to real time, while encoding. */
  speed?: Maybe<Scalars['Float']['output']>;
  etaSeconds?: Maybe<Scalars['Float']['output']>;
  /** Set with REJECTED and FAILED_* statuses. */
  error?: Maybe<VideoError>;
  /** The video can be played (see Video.playable); an event with true is sent when it becomes playable before READY. */
  playable: Scalars['Boolean']['output'];
  /** ISO 8601 time of the event. */
  at: Scalars['String']['output'];
};

/** The limits the probe applies to every source, from the deployment's configuration. */
export type UploadRules = {
  __typename?: 'UploadRules';
  /** A source must be longer than this (SOURCE_MIN_DURATION_SECONDS). */
  minDurationSeconds: Scalars['Float']['output'];
  /** And at most this long (SOURCE_MAX_DURATION_SECONDS). */
  maxDurationSeconds: Scalars['Float']['output'];
  /** The smallest short side in pixels (720, or 240 with LADDER_ALLOW_SMALLER_SOURCES). */
  minShortSide: Scalars['Int']['output'];
  /** The largest long side in pixels (SOURCE_MAX_DIMENSION). */
  maxLongSide: Scalars['Int']['output'];
  /** The largest file a direct upload may send, in bytes. */
  maxUploadBytes: Scalars['Float']['output'];
  /** The containers AQ reads, by their usual names (MP4, MOV, ...). */
  containers: Array<Scalars['String']['output']>;
};

/** An endpoint that receives webhook events: status changes of every video, each a signed POST (docs/webhooks.md). */
export type WebhookEndpoint = {
  __typename?: 'WebhookEndpoint';
  id: Scalars['ID']['output'];
  url: Scalars['String']['output'];
  /** The event types sent (webhookEventTypes lists them); empty: all. */
  events: Array<Scalars['String']['output']>;
  /** A disabled endpoint's deliveries wait, in order, until it is enabled again. */
  enabled: Scalars['Boolean']['output'];
  source: WebhookEndpointSource;
  /** ISO 8601. Events from this time on are sent; replayWebhookEvents sends earlier ones. */
  createdAt: Scalars['String']['output'];
  /** The delivery log, newest first. first: 1-100 (default 20); after: a cursor from pageInfo.endCursor. */
  deliveries: WebhookDeliveryConnection;
};


/** An endpoint that receives webhook events: status changes of every video, each a signed POST (docs/webhooks.md). */
export type WebhookEndpointDeliveriesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};

export enum WebhookEndpointSource {
  /** Registered with createWebhookEndpoint. */
  Api = 'api',
  /** Declared in the webhook service's WEBHOOK_ENDPOINTS; changed or removed there. */
  Config = 'config'
}

export enum WebhookDeliveryState {
  /** Not yet answered with a 2xx; nextAttemptAt says when the next try is due. */
  Pending = 'pending',
  /** The endpoint answered 2xx. */
  Delivered = 'delivered',
  /** Every try of the retry window failed (72 hours by default); the video's later events went on. */
  Failed = 'failed'
}

/** One try of a delivery. */
export type WebhookAttempt = {
  __typename?: 'WebhookAttempt';
  /** ISO 8601. */
  at: Scalars['String']['output'];
  /** The endpoint's HTTP status; null when there was no answer (see error). */
  statusCode?: Maybe<Scalars['Int']['output']>;
  /** Why there was no answer: a timeout, a refused address (WEBHOOK_URL_REFUSED: ...), a connection error. */
  error?: Maybe<Scalars['String']['output']>;
  durationMs: Scalars['Int']['output'];
};

/** One event for one endpoint, with its tries. */
export type WebhookDelivery = {
  __typename?: 'WebhookDelivery';
  id: Scalars['ID']['output'];
  /** The event's id: the body's id and the aq-event-id header, the same in every try and replay. */
  eventId: Scalars['ID']['output'];
  eventType: Scalars['String']['output'];
  videoId: Scalars['ID']['output'];
  state: WebhookDeliveryState;
  /** Every try, oldest first; a replay adds to them. */
  attempts: Array<WebhookAttempt>;
  /** ISO 8601: when the next try is due, while PENDING. */
  nextAttemptAt?: Maybe<Scalars['String']['output']>;
  /** ISO 8601. */
  deliveredAt?: Maybe<Scalars['String']['output']>;
  /** ISO 8601: when the delivery was queued. */
  createdAt: Scalars['String']['output'];
};

export type WebhookDeliveryEdge = {
  __typename?: 'WebhookDeliveryEdge';
  cursor: Scalars['String']['output'];
  node: WebhookDelivery;
};

export type WebhookDeliveryConnection = {
  __typename?: 'WebhookDeliveryConnection';
  edges: Array<WebhookDeliveryEdge>;
  pageInfo: PageInfo;
};

export type CreateWebhookEndpointInput = {
  /** An http(s) URL that the webhook service reaches: public addresses only, as for sourceUrl. */
  url: Scalars['String']['input'];
  /** The event types to send (webhookEventTypes lists them); empty or left out: all. */
  events?: InputMaybe<Array<Scalars['String']['input']>>;
};

export type CreateWebhookEndpointPayload = {
  __typename?: 'CreateWebhookEndpointPayload';
  endpoint: WebhookEndpoint;
  /** The signing secret (whsec_...). Shown only here: keep it where the receiver can read it. */
  secret: Scalars['String']['output'];
};

export type Query = {
  __typename?: 'Query';
  /** Null when no video has this id. */
  video?: Maybe<Video>;
  /** Newest first, DELETED videos only when asked for with status. first: 1-100 (default 20); after: a cursor from pageInfo.endCursor. */
  videos: VideoConnection;
  /** What a source must be for this deployment to accept it, so a client can check a file before uploading it. */
  uploadRules: UploadRules;
  /** Every webhook endpoint, oldest first. */
  webhookEndpoints: Array<WebhookEndpoint>;
  /** Null when no endpoint has this id. */
  webhookEndpoint?: Maybe<WebhookEndpoint>;
  /** The event types an endpoint may ask for: video.<status> (lower case) for each status, e.g. video.ready, then video.playable. */
  webhookEventTypes: Array<Scalars['String']['output']>;
  /**
   * What AQ would do with a source, without encoding it (as `aq plan` does for a local file): a
   * probe service fetches and probes it under the probe stage's rules and answers with its verdict,
   * the ladder, the encode's ffmpeg arguments and estimates. Costly (a download and a probe): one
   * per operation. PLAN_UNAVAILABLE (SERVICE_UNAVAILABLE) when no probe service answers within the
   * gateway's PLAN_TIMEOUT_SECONDS.
   */
  planVideo: VideoPlan;
};


export type QueryVideoArgs = {
  id: Scalars['ID']['input'];
};


export type QueryVideosArgs = {
  status?: InputMaybe<VideoStatus>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
};


export type QueryWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
};


export type QueryPlanVideoArgs = {
  input: PlanVideoInput;
};

/** Exactly one of sourceUrl and videoId. */
export type PlanVideoInput = {
  /** A URL as createVideo's sourceUrl takes it, fetched under the same rules and size limit. */
  sourceUrl?: InputMaybe<Scalars['String']['input']>;
  /**
   * A video created with an upload source, still AWAITING_UPLOAD, whose file has been PUT in one
   * request (a multipart upload is only assembled by completeVideoUpload).
   */
  videoId?: InputMaybe<Scalars['ID']['input']>;
};

export enum PlanVerdict {
  /** The probe stage would accept the source and the encoder would make this ladder. */
  Accepted = 'ACCEPTED',
  /** The probe stage would reject the source: see error. */
  Rejected = 'REJECTED'
}

/** A dry run: what the pipeline would do with a source. Everything but verdict and error is empty or null when REJECTED. */
export type VideoPlan = {
  __typename?: 'VideoPlan';
  verdict: PlanVerdict;
  /** The probe stage's SOURCE_* verdict when REJECTED; null when ACCEPTED. */
  error?: Maybe<VideoError>;
  source?: Maybe<PlannedSource>;
  /** The rungs the encoder would make, smallest first. */
  renditions: Array<PlannedRendition>;
  /** The encode's arguments after `ffmpeg`; it reads the normalized copy of the source (normalized.mp4) the encoder makes first. */
  ffmpegArgs: Array<Scalars['String']['output']>;
  /** CPU-seconds the encode costs by the bench's measurements (BENCHMARKS.md), scaled by output pixels per second; null for an x264 preset the bench has not timed. */
  estimatedCpuSeconds?: Maybe<Scalars['Float']['output']>;
  /** estimatedCpuSeconds spread over the cores of the probe service's host that answered: a lower bound of the encode's wall-clock time. */
  estimatedEncodeSeconds?: Maybe<Scalars['Float']['output']>;
  /** The most the encode would store: every rung at its bit rate cap for the whole duration. */
  estimatedStoredBytes?: Maybe<Scalars['Float']['output']>;
};

/** The source as probed. */
export type PlannedSource = {
  __typename?: 'PlannedSource';
  /** ffprobe's demuxer name, e.g. mov,mp4,m4a,3gp,3g2,mj2. */
  container: Scalars['String']['output'];
  durationSeconds?: Maybe<Scalars['Float']['output']>;
  /** Display size: sample aspect ratio and rotation applied. */
  width: Scalars['Int']['output'];
  height: Scalars['Int']['output'];
  frameRate: Scalars['Float']['output'];
  videoCodec: Scalars['String']['output'];
  /** Whether the video is HDR (PQ or HLG); the encoder tone-maps it to SDR. */
  hdr: Scalars['Boolean']['output'];
  /** Null without audio. */
  audioCodec?: Maybe<Scalars['String']['output']>;
  audioChannels?: Maybe<Scalars['Int']['output']>;
};

/** One rung as the encoder would make it. */
export type PlannedRendition = {
  __typename?: 'PlannedRendition';
  name: Scalars['String']['output'];
  width: Scalars['Int']['output'];
  height: Scalars['Int']['output'];
  /** As ffmpeg's fps filter takes it, e.g. 30000/1001. */
  frameRate: Scalars['String']['output'];
  videoBitrateKbps: Scalars['Int']['output'];
  maxrateKbps: Scalars['Int']['output'];
  bufsizeKbps: Scalars['Int']['output'];
  /** Null for a source without audio. */
  audioBitrateKbps?: Maybe<Scalars['Int']['output']>;
  /** Declared peak bits per second (video maxrate + audio), before the encode measures its own. */
  bandwidth: Scalars['Int']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  createVideo: CreateVideoPayload;
  /**
   * After the PUT: checks that the object exists with the declared size, then starts the pipeline.
   * For a multipart upload it first assembles the parts, once every one is in the bucket with its
   * planned size (else UPLOAD_INCOMPLETE naming the missing ones); parts, when given, must list
   * every part in order with the ETag its PUT answered (UPLOAD_INCOMPLETE when the bucket holds
   * another). Leave parts out for uploads of more than about 1,000 parts (the request size limit).
   */
  completeVideoUpload: Video;
  /** Signed PUT URLs for 1 to 100 parts of a multipart upload (ask for the next ones as the upload goes on). */
  signUploadParts: Array<UploadPartTarget>;
  /** A multipart upload's plan and the parts the bucket already holds: upload only the others. */
  resumeVideoUpload: MultipartUpload;
  /** Gives up an upload in progress (AWAITING_UPLOAD): its parts leave the bucket and the video is DELETED. */
  abortVideoUpload: Video;
  /**
   * Starts a failed video again (FAILED_ENCODING from the encode, FAILED_UPLOAD from the upload),
   * or re-queues a video that has not moved for longer than the gateway's stuck threshold.
   */
  retryVideo: Video;
  /**
   * Step 1 of adding a caption track: a presigned PUT for its WebVTT or SRT file. The video may be
   * READY or still in the pipeline (from AWAITING_UPLOAD); a failed or rejected one is refused with
   * VIDEO_FAILED.
   */
  addCaption: AddCaptionPayload;
  /**
   * Step 2: checks the uploaded file (a broken one is refused with CAPTION_INVALID naming its first
   * bad line) and converts SRT to WebVTT. On a READY video it stores the track and lists it in the
   * master playlist (label: what players show; default the language, or the replaced track's
   * label); only playlists and caption files change. Before READY the server keeps the file and
   * lists the track in pendingCaptions, and publishes it the same way when the video becomes READY.
   * Failed or rejected videos: VIDEO_FAILED.
   */
  completeCaptionUpload: Video;
  /** Takes the language's track out of the master playlist (or off pendingCaptions) and deletes its files. */
  removeCaption: Video;
  /** Removes the video's stored objects and marks it DELETED. True when done (also if it was already deleted). */
  deleteVideo: Scalars['Boolean']['output'];
  /** Registers a webhook endpoint; the payload holds its signing secret, which is never shown again. */
  createWebhookEndpoint: CreateWebhookEndpointPayload;
  /** Stops (false) or resumes (true) deliveries to an endpoint; its pending deliveries wait meanwhile. */
  setWebhookEndpointEnabled: WebhookEndpoint;
  /** Removes an API endpoint with its delivery log. True when done. A CONFIG endpoint is removed from WEBHOOK_ENDPOINTS instead. */
  deleteWebhookEndpoint: Scalars['Boolean']['output'];
  /**
   * Sends an endpoint every event it asks for since `since` (ISO 8601) again, of one video or all,
   * with their original ids, in order per video, whether delivered before or not. Answers how many
   * deliveries were queued (at most 10000 per call).
   */
  replayWebhookEvents: Scalars['Int']['output'];
};


export type MutationCreateVideoArgs = {
  input: CreateVideoInput;
};


export type MutationCompleteVideoUploadArgs = {
  id: Scalars['ID']['input'];
  parts?: InputMaybe<Array<CompletedPartInput>>;
};


export type MutationSignUploadPartsArgs = {
  id: Scalars['ID']['input'];
  partNumbers: Array<Scalars['Int']['input']>;
};


export type MutationResumeVideoUploadArgs = {
  id: Scalars['ID']['input'];
};


export type MutationAbortVideoUploadArgs = {
  id: Scalars['ID']['input'];
};


export type MutationRetryVideoArgs = {
  id: Scalars['ID']['input'];
};


export type MutationAddCaptionArgs = {
  input: AddCaptionInput;
};


export type MutationCompleteCaptionUploadArgs = {
  videoId: Scalars['ID']['input'];
  language: Scalars['String']['input'];
  label?: InputMaybe<Scalars['String']['input']>;
};


export type MutationRemoveCaptionArgs = {
  videoId: Scalars['ID']['input'];
  language: Scalars['String']['input'];
};


export type MutationDeleteVideoArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCreateWebhookEndpointArgs = {
  input: CreateWebhookEndpointInput;
};


export type MutationSetWebhookEndpointEnabledArgs = {
  id: Scalars['ID']['input'];
  enabled: Scalars['Boolean']['input'];
};


export type MutationDeleteWebhookEndpointArgs = {
  id: Scalars['ID']['input'];
};


export type MutationReplayWebhookEventsArgs = {
  endpointId: Scalars['ID']['input'];
  since: Scalars['String']['input'];
  videoId?: InputMaybe<Scalars['ID']['input']>;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** The current state first, then live events; completes after a terminal status. */
  videoProgress: VideoProgress;
};


export type SubscriptionVideoProgressArgs = {
  id: Scalars['ID']['input'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  VideoStatus: VideoStatus;
  Rendition: ResolverTypeWrapper<Rendition>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  VideoError: ResolverTypeWrapper<ErrorValue>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  StatusChange: ResolverTypeWrapper<StatusChangeRow>;
  CaptionTrack: ResolverTypeWrapper<VideoCaption>;
  PendingCaptionTrack: ResolverTypeWrapper<Omit<PendingCaptionTrack, 'error'> & { error?: Maybe<ResolversTypes['VideoError']> }>;
  Video: ResolverTypeWrapper<VideoRow>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  QcReport: ResolverTypeWrapper<QcReport>;
  QcRendition: ResolverTypeWrapper<QcRendition>;
  QcQualitySample: ResolverTypeWrapper<QcQualitySample>;
  QcAudio: ResolverTypeWrapper<QcAudio>;
  UploadSourceInput: UploadSourceInput;
  CreateVideoInput: CreateVideoInput;
  HttpHeader: ResolverTypeWrapper<HttpHeader>;
  UploadTarget: ResolverTypeWrapper<UploadTarget>;
  AddCaptionInput: AddCaptionInput;
  AddCaptionPayload: ResolverTypeWrapper<AddCaptionPayload>;
  MultipartUpload: ResolverTypeWrapper<MultipartUpload>;
  UploadedPart: ResolverTypeWrapper<UploadedPart>;
  UploadPartTarget: ResolverTypeWrapper<UploadPartTarget>;
  CompletedPartInput: CompletedPartInput;
  CreateVideoPayload: ResolverTypeWrapper<Omit<CreateVideoPayload, 'video'> & { video: ResolversTypes['Video'] }>;
  VideoEdge: ResolverTypeWrapper<Omit<VideoEdge, 'node'> & { node: ResolversTypes['Video'] }>;
  PageInfo: ResolverTypeWrapper<PageInfo>;
  VideoConnection: ResolverTypeWrapper<Omit<VideoConnection, 'edges'> & { edges: Array<ResolversTypes['VideoEdge']> }>;
  VideoProgress: ResolverTypeWrapper<Omit<VideoProgress, 'error'> & { error?: Maybe<ResolversTypes['VideoError']> }>;
  UploadRules: ResolverTypeWrapper<UploadRules>;
  WebhookEndpoint: ResolverTypeWrapper<WebhookEndpointRow>;
  WebhookEndpointSource: null;
  WebhookDeliveryState: null;
  WebhookAttempt: ResolverTypeWrapper<WebhookAttemptRow>;
  WebhookDelivery: ResolverTypeWrapper<WebhookDeliveryRow>;
  WebhookDeliveryEdge: ResolverTypeWrapper<Omit<WebhookDeliveryEdge, 'node'> & { node: ResolversTypes['WebhookDelivery'] }>;
  WebhookDeliveryConnection: ResolverTypeWrapper<Omit<WebhookDeliveryConnection, 'edges'> & { edges: Array<ResolversTypes['WebhookDeliveryEdge']> }>;
  CreateWebhookEndpointInput: CreateWebhookEndpointInput;
  CreateWebhookEndpointPayload: ResolverTypeWrapper<Omit<CreateWebhookEndpointPayload, 'endpoint'> & { endpoint: ResolversTypes['WebhookEndpoint'] }>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  PlanVideoInput: PlanVideoInput;
  PlanVerdict: PlanVerdict;
  VideoPlan: ResolverTypeWrapper<Omit<VideoPlan, 'error'> & { error?: Maybe<ResolversTypes['VideoError']> }>;
  PlannedSource: ResolverTypeWrapper<PlannedSource>;
  PlannedRendition: ResolverTypeWrapper<PlannedRendition>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Rendition: Rendition;
  String: Scalars['String']['output'];
  Int: Scalars['Int']['output'];
  VideoError: ErrorValue;
  Boolean: Scalars['Boolean']['output'];
  StatusChange: StatusChangeRow;
  CaptionTrack: VideoCaption;
  PendingCaptionTrack: Omit<PendingCaptionTrack, 'error'> & { error?: Maybe<ResolversParentTypes['VideoError']> };
  Video: VideoRow;
  ID: Scalars['ID']['output'];
  Float: Scalars['Float']['output'];
  QcReport: QcReport;
  QcRendition: QcRendition;
  QcQualitySample: QcQualitySample;
  QcAudio: QcAudio;
  UploadSourceInput: UploadSourceInput;
  CreateVideoInput: CreateVideoInput;
  HttpHeader: HttpHeader;
  UploadTarget: UploadTarget;
  AddCaptionInput: AddCaptionInput;
  AddCaptionPayload: AddCaptionPayload;
  MultipartUpload: MultipartUpload;
  UploadedPart: UploadedPart;
  UploadPartTarget: UploadPartTarget;
  CompletedPartInput: CompletedPartInput;
  CreateVideoPayload: Omit<CreateVideoPayload, 'video'> & { video: ResolversParentTypes['Video'] };
  VideoEdge: Omit<VideoEdge, 'node'> & { node: ResolversParentTypes['Video'] };
  PageInfo: PageInfo;
  VideoConnection: Omit<VideoConnection, 'edges'> & { edges: Array<ResolversParentTypes['VideoEdge']> };
  VideoProgress: Omit<VideoProgress, 'error'> & { error?: Maybe<ResolversParentTypes['VideoError']> };
  UploadRules: UploadRules;
  WebhookEndpoint: WebhookEndpointRow;
  WebhookAttempt: WebhookAttemptRow;
  WebhookDelivery: WebhookDeliveryRow;
  WebhookDeliveryEdge: Omit<WebhookDeliveryEdge, 'node'> & { node: ResolversParentTypes['WebhookDelivery'] };
  WebhookDeliveryConnection: Omit<WebhookDeliveryConnection, 'edges'> & { edges: Array<ResolversParentTypes['WebhookDeliveryEdge']> };
  CreateWebhookEndpointInput: CreateWebhookEndpointInput;
  CreateWebhookEndpointPayload: Omit<CreateWebhookEndpointPayload, 'endpoint'> & { endpoint: ResolversParentTypes['WebhookEndpoint'] };
  Query: Record<PropertyKey, never>;
  PlanVideoInput: PlanVideoInput;
  VideoPlan: Omit<VideoPlan, 'error'> & { error?: Maybe<ResolversParentTypes['VideoError']> };
  PlannedSource: PlannedSource;
  PlannedRendition: PlannedRendition;
  Mutation: Record<PropertyKey, never>;
  Subscription: Record<PropertyKey, never>;
};

export type VideoStatusResolvers = EnumResolverSignature<{ AWAITING_UPLOAD?: any, UPLOADED?: any, PROBING?: any, REJECTED?: any, PROBED?: any, ENCODING?: any, ENCODED?: any, UPLOADING?: any, READY?: any, FAILED_ENCODING?: any, FAILED_UPLOAD?: any, DELETED?: any }, ResolversTypes['VideoStatus']>;

export type RenditionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Rendition'] = ResolversParentTypes['Rendition']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  width?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  bandwidth?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type VideoErrorResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['VideoError'] = ResolversParentTypes['VideoError']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  summary?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  nextStep?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  retryable?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type StatusChangeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['StatusChange'] = ResolversParentTypes['StatusChange']> = {
  from?: Resolver<Maybe<ResolversTypes['VideoStatus']>, ParentType, ContextType>;
  to?: Resolver<ResolversTypes['VideoStatus'], ParentType, ContextType>;
  at?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  detail?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type CaptionTrackResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['CaptionTrack'] = ResolversParentTypes['CaptionTrack']> = {
  language?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  url?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType, Partial<CaptionTrackUrlArgs>>;
};

export type PendingCaptionTrackResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PendingCaptionTrack'] = ResolversParentTypes['PendingCaptionTrack']> = {
  language?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  label?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['VideoError']>, ParentType, ContextType>;
};

export type VideoResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Video'] = ResolversParentTypes['Video']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  title?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['VideoStatus'], ParentType, ContextType>;
  progress?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['VideoError']>, ParentType, ContextType>;
  renditions?: Resolver<Array<ResolversTypes['Rendition']>, ParentType, ContextType>;
  durationSeconds?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  width?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  height?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  playable?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  playbackUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType, Partial<VideoPlaybackUrlArgs>>;
  logUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType, Partial<VideoLogUrlArgs>>;
  posterUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType, Partial<VideoPosterUrlArgs>>;
  thumbnailUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType, RequireFields<VideoThumbnailUrlArgs, 'time'>>;
  storyboardUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType, Partial<VideoStoryboardUrlArgs>>;
  mp4Download?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  downloadUrl?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType, Partial<VideoDownloadUrlArgs>>;
  captions?: Resolver<Array<ResolversTypes['CaptionTrack']>, ParentType, ContextType>;
  pendingCaptions?: Resolver<Array<ResolversTypes['PendingCaptionTrack']>, ParentType, ContextType>;
  attempts?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  history?: Resolver<Array<ResolversTypes['StatusChange']>, ParentType, ContextType>;
  qc?: Resolver<Maybe<ResolversTypes['QcReport']>, ParentType, ContextType>;
};

export type QcReportResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['QcReport'] = ResolversParentTypes['QcReport']> = {
  measuredAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  sourceDurationSeconds?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  renditions?: Resolver<Array<ResolversTypes['QcRendition']>, ParentType, ContextType>;
  keyframesAligned?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  qualitySample?: Resolver<Maybe<ResolversTypes['QcQualitySample']>, ParentType, ContextType>;
  audio?: Resolver<Maybe<ResolversTypes['QcAudio']>, ParentType, ContextType>;
  warnings?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type QcRenditionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['QcRendition'] = ResolversParentTypes['QcRendition']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  declaredBandwidth?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  averageBitrate?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  peakBitrate?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  durationSeconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  segmentCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  longestSegmentSeconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
};

export type QcQualitySampleResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['QcQualitySample'] = ResolversParentTypes['QcQualitySample']> = {
  rendition?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  startSeconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  seconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  ssimY?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  psnrY?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type QcAudioResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['QcAudio'] = ResolversParentTypes['QcAudio']> = {
  integratedLufs?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  truePeakDbtp?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  silent?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type HttpHeaderResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['HttpHeader'] = ResolversParentTypes['HttpHeader']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type UploadTargetResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['UploadTarget'] = ResolversParentTypes['UploadTarget']> = {
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  method?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  headers?: Resolver<Array<ResolversTypes['HttpHeader']>, ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AddCaptionPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['AddCaptionPayload'] = ResolversParentTypes['AddCaptionPayload']> = {
  upload?: Resolver<ResolversTypes['UploadTarget'], ParentType, ContextType>;
};

export type MultipartUploadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['MultipartUpload'] = ResolversParentTypes['MultipartUpload']> = {
  partBytes?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  lastPartBytes?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  partCount?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  uploadedParts?: Resolver<Array<ResolversTypes['UploadedPart']>, ParentType, ContextType>;
};

export type UploadedPartResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['UploadedPart'] = ResolversParentTypes['UploadedPart']> = {
  partNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  sizeBytes?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  etag?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type UploadPartTargetResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['UploadPartTarget'] = ResolversParentTypes['UploadPartTarget']> = {
  partNumber?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  method?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  headers?: Resolver<Array<ResolversTypes['HttpHeader']>, ParentType, ContextType>;
  expiresAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type CreateVideoPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['CreateVideoPayload'] = ResolversParentTypes['CreateVideoPayload']> = {
  video?: Resolver<ResolversTypes['Video'], ParentType, ContextType>;
  upload?: Resolver<Maybe<ResolversTypes['UploadTarget']>, ParentType, ContextType>;
  multipart?: Resolver<Maybe<ResolversTypes['MultipartUpload']>, ParentType, ContextType>;
};

export type VideoEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['VideoEdge'] = ResolversParentTypes['VideoEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['Video'], ParentType, ContextType>;
};

export type PageInfoResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PageInfo'] = ResolversParentTypes['PageInfo']> = {
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type VideoConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['VideoConnection'] = ResolversParentTypes['VideoConnection']> = {
  edges?: Resolver<Array<ResolversTypes['VideoEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type VideoProgressResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['VideoProgress'] = ResolversParentTypes['VideoProgress']> = {
  videoId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['VideoStatus'], ParentType, ContextType>;
  stage?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  percent?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  fps?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  speed?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  etaSeconds?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['VideoError']>, ParentType, ContextType>;
  playable?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  at?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type UploadRulesResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['UploadRules'] = ResolversParentTypes['UploadRules']> = {
  minDurationSeconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  maxDurationSeconds?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  minShortSide?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  maxLongSide?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  maxUploadBytes?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  containers?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type WebhookEndpointResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['WebhookEndpoint'] = ResolversParentTypes['WebhookEndpoint']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  url?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  events?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  enabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  source?: Resolver<ResolversTypes['WebhookEndpointSource'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  deliveries?: Resolver<ResolversTypes['WebhookDeliveryConnection'], ParentType, ContextType, RequireFields<WebhookEndpointDeliveriesArgs, 'first'>>;
};

export type WebhookEndpointSourceResolvers = { API: 'api', CONFIG: 'config' };

export type WebhookDeliveryStateResolvers = { PENDING: 'pending', DELIVERED: 'delivered', FAILED: 'failed' };

export type WebhookAttemptResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['WebhookAttempt'] = ResolversParentTypes['WebhookAttempt']> = {
  at?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  statusCode?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  durationMs?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type WebhookDeliveryResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['WebhookDelivery'] = ResolversParentTypes['WebhookDelivery']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  eventId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  eventType?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  videoId?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  state?: Resolver<ResolversTypes['WebhookDeliveryState'], ParentType, ContextType>;
  attempts?: Resolver<Array<ResolversTypes['WebhookAttempt']>, ParentType, ContextType>;
  nextAttemptAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  deliveredAt?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type WebhookDeliveryEdgeResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['WebhookDeliveryEdge'] = ResolversParentTypes['WebhookDeliveryEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['WebhookDelivery'], ParentType, ContextType>;
};

export type WebhookDeliveryConnectionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['WebhookDeliveryConnection'] = ResolversParentTypes['WebhookDeliveryConnection']> = {
  edges?: Resolver<Array<ResolversTypes['WebhookDeliveryEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['PageInfo'], ParentType, ContextType>;
};

export type CreateWebhookEndpointPayloadResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['CreateWebhookEndpointPayload'] = ResolversParentTypes['CreateWebhookEndpointPayload']> = {
  endpoint?: Resolver<ResolversTypes['WebhookEndpoint'], ParentType, ContextType>;
  secret?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  video?: Resolver<Maybe<ResolversTypes['Video']>, ParentType, ContextType, RequireFields<QueryVideoArgs, 'id'>>;
  videos?: Resolver<ResolversTypes['VideoConnection'], ParentType, ContextType, RequireFields<QueryVideosArgs, 'first'>>;
  uploadRules?: Resolver<ResolversTypes['UploadRules'], ParentType, ContextType>;
  webhookEndpoints?: Resolver<Array<ResolversTypes['WebhookEndpoint']>, ParentType, ContextType>;
  webhookEndpoint?: Resolver<Maybe<ResolversTypes['WebhookEndpoint']>, ParentType, ContextType, RequireFields<QueryWebhookEndpointArgs, 'id'>>;
  webhookEventTypes?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  planVideo?: Resolver<ResolversTypes['VideoPlan'], ParentType, ContextType, RequireFields<QueryPlanVideoArgs, 'input'>>;
};

export type VideoPlanResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['VideoPlan'] = ResolversParentTypes['VideoPlan']> = {
  verdict?: Resolver<ResolversTypes['PlanVerdict'], ParentType, ContextType>;
  error?: Resolver<Maybe<ResolversTypes['VideoError']>, ParentType, ContextType>;
  source?: Resolver<Maybe<ResolversTypes['PlannedSource']>, ParentType, ContextType>;
  renditions?: Resolver<Array<ResolversTypes['PlannedRendition']>, ParentType, ContextType>;
  ffmpegArgs?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  estimatedCpuSeconds?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  estimatedEncodeSeconds?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  estimatedStoredBytes?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
};

export type PlannedSourceResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PlannedSource'] = ResolversParentTypes['PlannedSource']> = {
  container?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  durationSeconds?: Resolver<Maybe<ResolversTypes['Float']>, ParentType, ContextType>;
  width?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  frameRate?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  videoCodec?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  hdr?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  audioCodec?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  audioChannels?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
};

export type PlannedRenditionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['PlannedRendition'] = ResolversParentTypes['PlannedRendition']> = {
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  width?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  height?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  frameRate?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  videoBitrateKbps?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  maxrateKbps?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  bufsizeKbps?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  audioBitrateKbps?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  bandwidth?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  createVideo?: Resolver<ResolversTypes['CreateVideoPayload'], ParentType, ContextType, RequireFields<MutationCreateVideoArgs, 'input'>>;
  completeVideoUpload?: Resolver<ResolversTypes['Video'], ParentType, ContextType, RequireFields<MutationCompleteVideoUploadArgs, 'id'>>;
  signUploadParts?: Resolver<Array<ResolversTypes['UploadPartTarget']>, ParentType, ContextType, RequireFields<MutationSignUploadPartsArgs, 'id' | 'partNumbers'>>;
  resumeVideoUpload?: Resolver<ResolversTypes['MultipartUpload'], ParentType, ContextType, RequireFields<MutationResumeVideoUploadArgs, 'id'>>;
  abortVideoUpload?: Resolver<ResolversTypes['Video'], ParentType, ContextType, RequireFields<MutationAbortVideoUploadArgs, 'id'>>;
  retryVideo?: Resolver<ResolversTypes['Video'], ParentType, ContextType, RequireFields<MutationRetryVideoArgs, 'id'>>;
  addCaption?: Resolver<ResolversTypes['AddCaptionPayload'], ParentType, ContextType, RequireFields<MutationAddCaptionArgs, 'input'>>;
  completeCaptionUpload?: Resolver<ResolversTypes['Video'], ParentType, ContextType, RequireFields<MutationCompleteCaptionUploadArgs, 'videoId' | 'language'>>;
  removeCaption?: Resolver<ResolversTypes['Video'], ParentType, ContextType, RequireFields<MutationRemoveCaptionArgs, 'videoId' | 'language'>>;
  deleteVideo?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationDeleteVideoArgs, 'id'>>;
  createWebhookEndpoint?: Resolver<ResolversTypes['CreateWebhookEndpointPayload'], ParentType, ContextType, RequireFields<MutationCreateWebhookEndpointArgs, 'input'>>;
  setWebhookEndpointEnabled?: Resolver<ResolversTypes['WebhookEndpoint'], ParentType, ContextType, RequireFields<MutationSetWebhookEndpointEnabledArgs, 'id' | 'enabled'>>;
  deleteWebhookEndpoint?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType, RequireFields<MutationDeleteWebhookEndpointArgs, 'id'>>;
  replayWebhookEvents?: Resolver<ResolversTypes['Int'], ParentType, ContextType, RequireFields<MutationReplayWebhookEventsArgs, 'endpointId' | 'since'>>;
};

export type SubscriptionResolvers<ContextType = GatewayContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  videoProgress?: SubscriptionResolver<ResolversTypes['VideoProgress'], "videoProgress", ParentType, ContextType, RequireFields<SubscriptionVideoProgressArgs, 'id'>>;
};

export type Resolvers<ContextType = GatewayContext> = {
  VideoStatus?: VideoStatusResolvers;
  Rendition?: RenditionResolvers<ContextType>;
  VideoError?: VideoErrorResolvers<ContextType>;
  StatusChange?: StatusChangeResolvers<ContextType>;
  CaptionTrack?: CaptionTrackResolvers<ContextType>;
  PendingCaptionTrack?: PendingCaptionTrackResolvers<ContextType>;
  Video?: VideoResolvers<ContextType>;
  QcReport?: QcReportResolvers<ContextType>;
  QcRendition?: QcRenditionResolvers<ContextType>;
  QcQualitySample?: QcQualitySampleResolvers<ContextType>;
  QcAudio?: QcAudioResolvers<ContextType>;
  HttpHeader?: HttpHeaderResolvers<ContextType>;
  UploadTarget?: UploadTargetResolvers<ContextType>;
  AddCaptionPayload?: AddCaptionPayloadResolvers<ContextType>;
  MultipartUpload?: MultipartUploadResolvers<ContextType>;
  UploadedPart?: UploadedPartResolvers<ContextType>;
  UploadPartTarget?: UploadPartTargetResolvers<ContextType>;
  CreateVideoPayload?: CreateVideoPayloadResolvers<ContextType>;
  VideoEdge?: VideoEdgeResolvers<ContextType>;
  PageInfo?: PageInfoResolvers<ContextType>;
  VideoConnection?: VideoConnectionResolvers<ContextType>;
  VideoProgress?: VideoProgressResolvers<ContextType>;
  UploadRules?: UploadRulesResolvers<ContextType>;
  WebhookEndpoint?: WebhookEndpointResolvers<ContextType>;
  WebhookEndpointSource?: WebhookEndpointSourceResolvers;
  WebhookDeliveryState?: WebhookDeliveryStateResolvers;
  WebhookAttempt?: WebhookAttemptResolvers<ContextType>;
  WebhookDelivery?: WebhookDeliveryResolvers<ContextType>;
  WebhookDeliveryEdge?: WebhookDeliveryEdgeResolvers<ContextType>;
  WebhookDeliveryConnection?: WebhookDeliveryConnectionResolvers<ContextType>;
  CreateWebhookEndpointPayload?: CreateWebhookEndpointPayloadResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  VideoPlan?: VideoPlanResolvers<ContextType>;
  PlannedSource?: PlannedSourceResolvers<ContextType>;
  PlannedRendition?: PlannedRenditionResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
};

