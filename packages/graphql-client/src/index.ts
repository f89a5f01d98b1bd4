export * from "./generated/graphql.js";
export * from "./request.js";
export * from "./subscribe.js";
export type { TypedDocumentNode } from "@graphql-typed-document-node/core";
export * from "./multipart-upload.js";
