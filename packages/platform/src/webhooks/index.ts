export * from "./endpoint-url.js";
export * from "./secret-box.js";
export * from "./signature.js";
export * from "./verify-signature.js";
export * from "./event.js";
export * from "./send.js";
