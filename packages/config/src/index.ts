export * from "./load.js";
export * from "./fragments.js";
export * from "./ladder.js";
