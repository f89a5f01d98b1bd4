export { startStrictS3Proxy, type StrictS3Options, type StrictS3Proxy } from "./server.js";
export { R2_LIMITS, type R2Limits, type S3Refusal } from "./r2-rules.js";
export { MAX_PRESIGNED_EXPIRY_SECONDS } from "./sigv4.js";
