import { parsePlaybackKeys } from "@aq/platform/playback";

/**
 * Credentials that are public because this repository publishes them: the local stack's keys
 * (apps/stack/src/dev-keys.ts, docs/operations.md), the defaults docker-compose.yml used to ship, and
 * the fixed logins of the local S3 servers (MinIO, s3rver). Anyone can read them, so a
 * production gateway holding one of them is open to everyone.
 */
const PUBLIC_API_KEYS = new Set(["aq_dev_local_only_key", "aq_compose_local_only_key"]);
const PUBLIC_SIGNING_SECRETS = new Set(["aq-local-development-playback-secret-0001", "aq-compose-local-only-playback-secret-01"]);
const PUBLIC_WEBHOOK_KEYS = new Set(["aq-local-development-webhook-secrets-key-0001"]);
const PUBLIC_SERVICE_CREDENTIALS = new Set(["minioadmin", "aq-local-only", "aq-local-only-secret", "S3RVER", "aq", "postgres"]);

/** Shorter keys can be guessed; 16 random characters are far beyond that. */
export const MIN_PRODUCTION_API_KEY_LENGTH = 16;

export interface CredentialProblem {
  variable: string;
  message: string;
}

interface CredentialSettings {
  API_KEYS: readonly string[];
  PLAYBACK_SIGNING_KEYS: string;
  WEBHOOK_SECRETS_KEY?: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  DATABASE_URL: string;
}

function databasePassword(url: string): string {
  try {
    return decodeURIComponent(new URL(url).password);
  } catch {
    return "";
  }
}

function signingSecrets(spec: string): string[] {
  try {
    return [...parsePlaybackKeys(spec).keys.values()].map((key) => key.secret);
  } catch {
    // An unreadable value is reported by the variable's own schema.
    return [];
  }
}

/**
 * Why these settings may not run in production: no API key (an open API), or a key, signing
 * secret or storage/database login that is published. Messages name the variable, never a value.
 */
export function productionCredentialProblems(settings: CredentialSettings): CredentialProblem[] {
  const problems: CredentialProblem[] = [];
  if (settings.API_KEYS.length === 0) {
    problems.push({
      variable: "API_KEYS",
      message: "is empty, which would leave the API open to every caller; set at least one key in production",
    });
  }
  if (settings.API_KEYS.some((key) => PUBLIC_API_KEYS.has(key))) {
    problems.push({
      variable: "API_KEYS",
      message: "contains a key published in this repository (development or compose default); generate your own",
    });
  }
  if (settings.API_KEYS.some((key) => key.length < MIN_PRODUCTION_API_KEY_LENGTH)) {
    problems.push({
      variable: "API_KEYS",
      message: `every key must be at least ${MIN_PRODUCTION_API_KEY_LENGTH} characters in production`,
    });
  }
  if (signingSecrets(settings.PLAYBACK_SIGNING_KEYS).some((secret) => PUBLIC_SIGNING_SECRETS.has(secret))) {
    problems.push({
      variable: "PLAYBACK_SIGNING_KEYS",
      message: "contains a secret published in this repository, with which anyone can sign playback URLs; generate your own",
    });
  }
  if (settings.WEBHOOK_SECRETS_KEY && PUBLIC_WEBHOOK_KEYS.has(settings.WEBHOOK_SECRETS_KEY)) {
    problems.push({
      variable: "WEBHOOK_SECRETS_KEY",
      message:
        "is the key published in this repository, with which anyone holding the database can read webhook secrets; generate your own",
    });
  }
  for (const variable of ["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"] as const) {
    if (PUBLIC_SERVICE_CREDENTIALS.has(settings[variable])) {
      problems.push({ variable, message: "is a published default login (MinIO, s3rver or the compose file); use credentials of your own" });
    }
  }
  if (PUBLIC_SERVICE_CREDENTIALS.has(databasePassword(settings.DATABASE_URL))) {
    problems.push({ variable: "DATABASE_URL", message: "carries a published default password; use a password of your own" });
  }
  return problems;
}
