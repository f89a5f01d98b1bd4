export * from "./client.js";
export * from "./keys.js";
export * from "./objects.js";
export * from "./upload-directory.js";
export * from "./bucket.js";
