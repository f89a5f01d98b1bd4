export {};
export * from "./clips.js";
