import type { Resolvers } from "../generated/resolvers.js";
import { videoStatusEnumValues } from "../graphql/status.js";
import { CaptionTrack, captionMutations } from "./captions.js";
import { completeVideoUpload } from "./complete-upload.js";
import { createVideo } from "./create-video.js";
import { deleteVideo } from "./delete-video.js";
import { abortVideoUpload, resumeVideoUpload, signUploadParts } from "./multipart-upload.js";
import { planVideo } from "./plan-video.js";
import { uploadRules, video, videos } from "./queries.js";
import { retryVideo } from "./retry-video.js";
import { StatusChange, Video, VideoError } from "./video-fields.js";
import { videoProgress } from "./video-progress.js";
import { WebhookAttempt, WebhookDelivery, WebhookEndpoint, webhookMutations, webhookQueries } from "./webhooks.js";

export const resolvers: Resolvers = {
  VideoStatus: videoStatusEnumValues,
  WebhookEndpointSource: { API: "api", CONFIG: "config" },
  WebhookDeliveryState: { PENDING: "pending", DELIVERED: "delivered", FAILED: "failed" },
  Query: { video, videos, uploadRules, planVideo, ...webhookQueries },
  Mutation: {
    createVideo,
    completeVideoUpload,
    signUploadParts,
    resumeVideoUpload,
    abortVideoUpload,
    retryVideo,
    deleteVideo,
    ...captionMutations,
    ...webhookMutations,
  },
  Subscription: { videoProgress },
  Video,
  CaptionTrack,
  StatusChange,
  VideoError,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookAttempt,
};
