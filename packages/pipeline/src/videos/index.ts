/**
 * What can be done to a video from outside the pipeline (the API, an operator): one module per
 * use case, each checking its input and throwing AqErrors with stable codes, so that the
 * gateway's resolvers only translate arguments and results.
 */
export * from "./create-video.js";
export * from "./complete-upload.js";
export * from "./delete-video.js";
export * from "./retry.js";
export * from "./captions.js";
export * from "./multipart-upload.js";
