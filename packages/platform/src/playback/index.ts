export * from "./keys.js";
export * from "./token.js";
export * from "./path.js";
export * from "./url.js";
export * from "./headers.js";
