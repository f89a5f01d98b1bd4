export * from "./client.js";
export * from "./keys.js";
