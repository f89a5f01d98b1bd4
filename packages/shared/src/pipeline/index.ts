export * from "./deps.js";
export * from "./work-dir.js";
export * from "./disk-space.js";
export * from "./probe-stage.js";
export * from "./encode-stage.js";
export * from "./upload-stage.js";
export * from "./sweep.js";
export * from "./worker.js";
