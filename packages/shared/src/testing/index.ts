export {};
export * from "./clips.js";
export * from "./free-port.js";
export * from "./wait-for.js";
export * from "./nats-server.js";
export * from "./test-database.js";
export * from "./pglite-server.js";
export * from "./s3-server.js";
export * from "./capture-log.js";
