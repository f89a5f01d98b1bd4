export * from "./run-service.js";
export * from "./retry.js";
export * from "./load-config-or-exit.js";
export * from "./wakeable-pause.js";
