export * from "./client.js";
export * from "@aq/contracts";
export * from "./objects.js";
export * from "./upload-directory.js";
export * from "./bucket.js";
export * from "./limits.js";
export * from "./cleanup.js";
export * from "./multipart.js";
