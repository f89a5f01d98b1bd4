export * from "./run-service.js";
export * from "./backoff.js";
export * from "./load-config-or-exit.js";
export * from "./wakeable-pause.js";
