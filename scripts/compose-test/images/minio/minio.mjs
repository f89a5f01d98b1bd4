#!/usr/bin/env node
/* global process, console, Buffer, setTimeout */
// Test-only stand-in for `minio server DIR [--address :9000] [--console-address :9001]`:
// s3rver (the S3-protocol server AQ's tests use) serving DIR path-style, which accepts only
// requests signed (SigV4, verified here) with MINIO_ROOT_USER / MINIO_ROOT_PASSWORD, answers CORS for
// MINIO_API_CORS_ALLOW_ORIGIN, and serves MinIO's /minio/health/{live,ready} for `mc ready`.
// There is no console: --console-address is accepted and ignored.
import crypto from "node:crypto";
import { mkdirSync } from "node:fs";
import S3rver from "s3rver";
import AWSAccount from "s3rver/lib/models/account.js";

const [command, ...rest] = process.argv.slice(2);
if (command !== "server") {
  console.error("usage: minio server DIR [--address HOST:PORT] [--console-address HOST:PORT]");
  process.exit(2);
}
let directory = null;
let address = ":9000";
for (let i = 0; i < rest.length; i++) {
  const arg = rest[i];
  if (arg === "--address") address = rest[++i];
  else if (arg === "--console-address") i++;
  else if (arg.startsWith("--")) {
    console.error(`minio (stand-in): unsupported option ${arg}`);
    process.exit(2);
  } else directory ??= arg;
}
if (!directory) {
  console.error("minio server: a data directory is required");
  process.exit(2);
}
const [host, port] = [address.slice(0, address.lastIndexOf(":")) || "0.0.0.0", Number(address.slice(address.lastIndexOf(":") + 1))];

// MinIO's defaults when the variables are unset.
const user = process.env.MINIO_ROOT_USER || "minioadmin";
const password = process.env.MINIO_ROOT_PASSWORD || "minioadmin";
AWSAccount.DUMMY_ACCOUNT.revokeAccessKey("S3RVER");
AWSAccount.DUMMY_ACCOUNT.createKeyPair(user, password);

// s3rver 3.7 encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 only
// has in its legacy provider; triple DES with the key repeated is the same cipher (as in
// @aq/devkit's test server).
const { createCipheriv, createDecipheriv } = crypto;
const tripled = (key) => Buffer.concat([Buffer.from(key), Buffer.from(key), Buffer.from(key)]);
crypto.createCipheriv = (algorithm, key, iv, options) =>
  algorithm === "des" ? createCipheriv("des-ede3-cbc", tripled(key), iv) : createCipheriv(algorithm, key, iv, options);
crypto.createDecipheriv = (algorithm, key, iv, options) =>
  algorithm === "des" ? createDecipheriv("des-ede3-cbc", tripled(key), iv) : createDecipheriv(algorithm, key, iv, options);

// s3rver checks only that a SigV4 request names a known access key, so the signature itself
// (headers or presigned query, with the secret key) is verified here, as MinIO does; requests
// without one are refused (the bucket is private, as MinIO's are by default).
const hmac = (key, data) => crypto.createHmac("sha256", key).update(data).digest();
const sha256 = (data) => crypto.createHash("sha256").update(data).digest("hex");
const rfc3986 = (text) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const decode = (text) => decodeURIComponent(text.replace(/\+/g, "%20"));

function s3Error(ctx, status, code, message) {
  ctx.status = status;
  ctx.type = "application/xml";
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Resource>${ctx.path}</Resource></Error>`;
}

/** null when the request is signed with the root key pair, else [status, code, message]. */
function verifySignature(req) {
  const [rawPath, rawQuery = ""] = req.url.split(/\?(.*)/s);
  const pairs = rawQuery
    .split("&")
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf("=");
      return at < 0 ? [decode(pair), ""] : [decode(pair.slice(0, at)), decode(pair.slice(at + 1))];
    });
  const query = Object.fromEntries(pairs);
  const authorization = req.headers.authorization ?? "";
  let credential, signedHeaders, signature, amzDate, payloadHash;
  if (authorization.startsWith("AWS4-HMAC-SHA256 ")) {
    const fields = Object.fromEntries(
      authorization
        .slice(17)
        .split(",")
        .map((f) => f.trim().split("=")),
    );
    [credential, signedHeaders, signature] = [fields.Credential, fields.SignedHeaders, fields.Signature];
    amzDate = req.headers["x-amz-date"];
    payloadHash = req.headers["x-amz-content-sha256"] ?? sha256("");
  } else if (query["X-Amz-Algorithm"] === "AWS4-HMAC-SHA256") {
    [credential, signedHeaders, signature, amzDate] = [
      query["X-Amz-Credential"],
      query["X-Amz-SignedHeaders"],
      query["X-Amz-Signature"],
      query["X-Amz-Date"],
    ];
    payloadHash = "UNSIGNED-PAYLOAD";
    const expires = Number(query["X-Amz-Expires"]);
    const signedAt = Date.parse(amzDate?.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z") ?? "");
    if (!Number.isFinite(expires) || !Number.isFinite(signedAt) || Date.now() > signedAt + expires * 1000)
      return [403, "AccessDenied", "Request has expired"];
  } else if (authorization) {
    return [400, "InvalidRequest", "Only AWS Signature Version 4 is supported"];
  } else {
    return [403, "AccessDenied", "Access Denied."];
  }
  if (!credential || !signedHeaders || !signature || !amzDate)
    return [400, "AuthorizationHeaderMalformed", "The authorization is incomplete"];
  const [accessKey, date, region, service, terminator] = credential.split("/");
  if (accessKey !== user) return [403, "InvalidAccessKeyId", "The Access Key Id you provided does not exist in our records."];
  if (service !== "s3" || terminator !== "aws4_request") return [400, "AuthorizationHeaderMalformed", "Bad credential scope"];
  const canonicalUri = rawPath
    .split("/")
    .map((segment) => rfc3986(decode(segment)))
    .join("/");
  const canonicalQuery = pairs
    .filter(([key]) => key !== "X-Amz-Signature")
    .map(([key, value]) => [rfc3986(key), rfc3986(value)])
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  const names = signedHeaders.split(";");
  const canonicalHeaders = names
    .map(
      (name) =>
        `${name}:${String(req.headers[name] ?? "")
          .trim()
          .replace(/\s+/g, " ")}\n`,
    )
    .join("");
  const canonical = [req.method, canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${password}`, date), region), service), "aws4_request");
  const expected = crypto.createHmac("sha256", key).update(toSign).digest("hex");
  if (expected.length !== signature.length || !crypto.timingSafeEqual(Buffer.from(expected), Buffer.from(signature))) {
    return [
      403,
      "SignatureDoesNotMatch",
      "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    ];
  }
  return null;
}

mkdirSync(directory, { recursive: true });
const server = new S3rver({ address: host, port, silent: true, directory, vhostBuckets: false });

const origins = (process.env.MINIO_API_CORS_ALLOW_ORIGIN ?? "*")
  .split(",")
  .map((o) => o.trim())
  .filter(Boolean);
// Runs first: health endpoints, then CORS for every bucket (MinIO's MINIO_API_CORS_ALLOW_ORIGIN
// is server-wide; s3rver only knows per-bucket CORS documents).
server.middleware.unshift(async (ctx, next) => {
  if (ctx.path === "/minio/health/live" || ctx.path === "/minio/health/ready") {
    ctx.status = 200;
    ctx.body = "";
    return;
  }
  const origin = ctx.get("origin");
  if (!origin || !(origins.includes("*") || origins.includes(origin))) return next();
  const allowOrigin = origins.includes("*") ? "*" : origin;
  if (ctx.method === "OPTIONS" && ctx.get("access-control-request-method")) {
    ctx.set({
      "access-control-allow-origin": allowOrigin,
      "access-control-allow-methods": "GET, HEAD, PUT, POST, DELETE",
      "access-control-allow-headers": ctx.get("access-control-request-headers") || "*",
      "access-control-max-age": "3600",
      vary: "Origin",
    });
    ctx.status = 200;
    return;
  }
  ctx.set({
    "access-control-allow-origin": allowOrigin,
    "access-control-expose-headers": "ETag, Content-Length, Content-Range",
    vary: "Origin",
  });
  return next();
});
// After CORS (a refusal keeps its CORS headers, as MinIO's do), before s3rver.
server.middleware.splice(1, 0, async (ctx, next) => {
  const refused = verifySignature(ctx.req);
  if (refused) return s3Error(ctx, ...refused);
  return next();
});

const listening = await server.run();
console.log(`minio (s3rver stand-in): S3 API on ${listening.address}:${listening.port}, data in ${directory}, access key ${user}`);
let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
