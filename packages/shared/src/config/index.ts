export * from "./load.js";
export * from "./fragments.js";
