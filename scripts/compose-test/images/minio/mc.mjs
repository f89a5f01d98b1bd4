#!/usr/bin/env node
/* global process, console, URL, fetch */
// Test-only stand-in for the MinIO client, with the three commands AQ's compose file and its
// healthcheck use: `mc alias set NAME URL KEY SECRET`, `mc mb [--ignore-existing] NAME/BUCKET`
// (a SigV4-signed PUT Bucket) and `mc ready NAME` (GET /minio/health/ready). Aliases are kept
// in ~/.mc/config.json like mc's; MC_HOST_<name>=http://KEY:SECRET@HOST:PORT works too, and the
// alias `local` defaults to http://localhost:9000.
import { createHash, createHmac } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const configDir = process.env.MC_CONFIG_DIR || join(homedir(), ".mc");
const configFile = join(configDir, "config.json");

function readConfig() {
  try {
    return JSON.parse(readFileSync(configFile, "utf8"));
  } catch {
    return { version: "10", aliases: {} };
  }
}

function alias(name) {
  const fromEnv = process.env[`MC_HOST_${name}`];
  if (fromEnv) {
    const url = new URL(fromEnv);
    return { url: url.origin, accessKey: decodeURIComponent(url.username), secretKey: decodeURIComponent(url.password) };
  }
  const found = readConfig().aliases?.[name];
  if (found) return found;
  if (name === "local") return { url: "http://localhost:9000", accessKey: "", secretKey: "" };
  fail(`mc: alias ${name} is not set`);
}

function fail(message) {
  console.error(message);
  process.exit(1);
}

const sha256 = (data) => createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => createHmac("sha256", key).update(data).digest();

/** Headers of an AWS Signature Version 4 request with an empty body. */
function signedHeaders(method, url, { accessKey, secretKey }, region = "us-east-1") {
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, "");
  const date = amzDate.slice(0, 8);
  const payload = sha256("");
  const headers = { host: url.host, "x-amz-content-sha256": payload, "x-amz-date": amzDate };
  const names = Object.keys(headers).sort();
  const canonical = [method, url.pathname, "", names.map((n) => `${n}:${headers[n]}\n`).join(""), names.join(";"), payload].join("\n");
  const scope = `${date}/${region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonical)].join("\n");
  const key = ["s3", "aws4_request"].reduce((k, part) => hmac(k, part), hmac(hmac(`AWS4${secretKey}`, date), region));
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  const { host: _host, ...sent } = headers;
  return {
    ...sent,
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`,
  };
}

const [command, ...args] = process.argv.slice(2);
if (command === "--version" || command === "version") {
  console.log("mc (AQ test stand-in) 1.0");
} else if (command === "alias" && args[0] === "set" && args.length === 5) {
  const [, name, url, accessKey, secretKey] = args;
  const config = readConfig();
  config.aliases = { ...config.aliases, [name]: { url: new URL(url).origin, accessKey, secretKey, api: "s3v4", path: "auto" } };
  mkdirSync(configDir, { recursive: true });
  writeFileSync(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
  console.log(`Added \`${name}\` successfully.`);
} else if (command === "mb") {
  const ignoreExisting = args.includes("--ignore-existing") || args.includes("-p");
  const target = args.find((a) => !a.startsWith("-"));
  const slash = target?.indexOf("/") ?? -1;
  if (!target || slash < 1) fail("usage: mc mb [--ignore-existing] ALIAS/BUCKET");
  const name = target.slice(0, slash);
  const bucket = target.slice(slash + 1).replace(/\/$/, "");
  const host = alias(name);
  const url = new URL(`/${bucket}`, host.url);
  const response = await fetch(url, { method: "PUT", headers: signedHeaders("PUT", url, host) }).catch((error) =>
    fail(`mc: ${url.origin}: ${error.message}`),
  );
  const text = await response.text();
  if (response.ok) console.log(`Bucket created successfully \`${target}\`.`);
  else if (ignoreExisting && response.status === 409 && /BucketAlready/.test(text)) console.log(`Bucket \`${target}\` already exists.`);
  else fail(`mc: cannot create bucket ${target}: HTTP ${response.status} ${text.slice(0, 300)}`);
} else if (command === "ready" && args.length >= 1) {
  const host = alias(args[0]);
  const response = await fetch(new URL("/minio/health/ready", host.url)).catch(() => null);
  if (!response?.ok) fail(`The cluster '${args[0]}' is not ready`);
  console.log(`The cluster '${args[0]}' is ready`);
} else {
  fail("usage: mc alias set NAME URL KEY SECRET | mc mb [--ignore-existing] ALIAS/BUCKET | mc ready ALIAS (AQ test stand-in)");
}
