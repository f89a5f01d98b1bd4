export * from "./addresses.js";
export * from "./url-policy.js";
export * from "./fetch.js";
