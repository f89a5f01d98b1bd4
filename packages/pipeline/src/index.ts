export * from "./deps.js";
export * from "./lease.js";
export * from "./work-dir.js";
export * from "./disk-space.js";
export * from "./sweep.js";
export * from "./worker.js";
export * from "./videos/index.js";
