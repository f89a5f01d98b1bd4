export * from "./client.js";
export * from "./schema.js";
export * from "./migrate.js";
export * from "./videos.js";
export * from "./history.js";
export * from "./stale.js";
export * from "./outbox.js";
export * from "./leases.js";
