import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadGatewayConfig } from "../src/config.js";

const SAFE = {
  NODE_ENV: "production",
  API_KEYS: "k_7f3a9c2e5b8d1f4a6c0e",
  PLAYBACK_SIGNING_KEYS: "prod1:Zq8wX2vN5mR7tY1uI4oP6aS9dF3gH0jK",
  S3_ACCESS_KEY_ID: "AKIA-own-access-key",
  S3_SECRET_ACCESS_KEY: "own-secret-access-key-value",
  DATABASE_URL: "postgres://aq:own-db-password@db:5432/aq",
};

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadGatewayConfig(env);
    return [];
  } catch (error) {
    return (error as { details?: { problems?: string[] } }).details?.problems ?? [String(error)];
  }
}

describe("production configuration", () => {
  it("starts with credentials of its own", () => {
    expect(problemsOf(SAFE)).toEqual([]);
  });

  it.each([
    ["no API key", { API_KEYS: "" }, /^API_KEYS .*open to every caller/],
    ["the development API key", { API_KEYS: "aq_dev_local_only_key" }, /^API_KEYS .*published in this repository/],
    ["the former compose API key beside a good one", { API_KEYS: `${SAFE.API_KEYS},aq_compose_local_only_key` }, /^API_KEYS .*published/],
    ["a short API key", { API_KEYS: "short-key" }, /^API_KEYS .*at least 16 characters/],
    [
      "the development webhook secrets key",
      { WEBHOOK_SECRETS_KEY: "aq-local-development-webhook-secrets-key-0001" },
      /^WEBHOOK_SECRETS_KEY .*published/,
    ],
    [
      "the development signing secret",
      { PLAYBACK_SIGNING_KEYS: "dev:aq-local-development-playback-secret-0001" },
      /^PLAYBACK_SIGNING_KEYS .*published/,
    ],
    [
      "the compose signing secret as a verify-only key",
      { PLAYBACK_SIGNING_KEYS: `${SAFE.PLAYBACK_SIGNING_KEYS},local:aq-compose-local-only-playback-secret-01` },
      /^PLAYBACK_SIGNING_KEYS/,
    ],
    [
      "MinIO's root login",
      { S3_ACCESS_KEY_ID: "minioadmin", S3_SECRET_ACCESS_KEY: "minioadmin" },
      /^S3_ACCESS_KEY_ID .*published default login/,
    ],
    ["the compose MinIO secret", { S3_SECRET_ACCESS_KEY: "aq-local-only-secret" }, /^S3_SECRET_ACCESS_KEY .*published/],
    ["s3rver's fixed keys", { S3_ACCESS_KEY_ID: "S3RVER" }, /^S3_ACCESS_KEY_ID/],
    [
      "the compose database password",
      { DATABASE_URL: "postgres://aq:aq-local-only@postgres:5432/aq" },
      /^DATABASE_URL .*published default password/,
    ],
  ])("refuses %s, naming the variable but not the value", (_name, override, expected) => {
    const problems = problemsOf({ ...SAFE, ...override });
    expect(problems).toContainEqual(expect.stringMatching(expected));
    const values = Object.values(override)
      .flatMap((value) => value.split(/[,:@/]/))
      .filter((part) => part.length > 8);
    for (const value of values) expect(problems.join(" ")).not.toContain(value);
  });

  it("lets development run with the public keys and no API key", () => {
    const dev = { ...SAFE, NODE_ENV: "development", API_KEYS: "", S3_ACCESS_KEY_ID: "S3RVER", S3_SECRET_ACCESS_KEY: "S3RVER" };
    expect(problemsOf(dev)).toEqual([]);
    expect(problemsOf({ ...dev, NODE_ENV: undefined })).toEqual([]);
  });

  it("the gateway process exits at start with one fatal line naming the variable", async () => {
    const cwd = fileURLToPath(new URL("..", import.meta.url));
    const run = promisify(execFile)(process.execPath, ["--conditions=source", "--import", "tsx", "src/main.ts"], {
      cwd,
      env: { PATH: process.env.PATH, ...SAFE, API_KEYS: "", GATEWAY_PORT: "0", HEALTH_PORT: "0" },
      timeout: 60_000,
    });
    const failure = await run.then(
      () => null,
      (error: { code?: number; stdout?: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toMatch(/invalid configuration/);
    expect(failure?.stdout).toMatch(/API_KEYS is (invalid|required)/);
  });
});
