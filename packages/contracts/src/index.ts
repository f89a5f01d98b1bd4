export * from "./status.js";
export * from "./events.js";
export * from "./ids.js";
export * from "./error-codes.js";
export * from "./errors.js";
export * from "./layout.js";
export * from "./media.js";
export * from "./webhooks.js";
