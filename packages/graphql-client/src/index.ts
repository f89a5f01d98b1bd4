export * from "./generated/graphql.js";
export * from "./request.js";
export * from "./subscribe.js";
