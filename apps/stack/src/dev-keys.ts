/**
 * Credentials of the local development stack. They are public on purpose (docs/operations.md lists
 * them) and are used only when the environment does not set API_KEYS / PLAYBACK_SIGNING_KEYS /
 * WEBHOOK_SECRETS_KEY;
 * a deployment sets its own.
 */
export const DEV_API_KEY = "aq_dev_local_only_key";

/** `kid:secret`, the form of PLAYBACK_SIGNING_KEYS. */
export const DEV_PLAYBACK_SIGNING_KEYS = "dev:aq-local-development-playback-secret-0001";

/** WEBHOOK_SECRETS_KEY: seals webhook endpoint secrets in the local database. */
export const DEV_WEBHOOK_SECRETS_KEY = "aq-local-development-webhook-secrets-key-0001";
