export * from "./load.js";
export * from "./describe.js";
export * from "./fragments.js";
export * from "./ladder.js";
export * from "./services.js";
export * from "./webhooks.js";
