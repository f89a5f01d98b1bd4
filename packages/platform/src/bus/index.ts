export * from "./connection.js";
export * from "./streams.js";
export * from "./consume-work.js";
export * from "./outbox-relay.js";
export * from "./video-events.js";
export * from "./plan.js";
