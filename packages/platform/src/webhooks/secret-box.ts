import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/**
 * Webhook secrets must be read back to sign, so they cannot be hashed like passwords; they are
 * encrypted (AES-256-GCM) with a key only the gateway and the webhook service hold
 * (WEBHOOK_SECRETS_KEY), so a copy of the database alone does not reveal them.
 */
export interface SecretBox {
  seal(secret: string): string;
  open(sealed: string): string;
}

const VERSION = "v1";

/** The key is the SHA-256 of the configured text (32+ characters), so any long random string works. */
export function createSecretBox(keyText: string): SecretBox {
  if (keyText.length < 32) throw new TypeError("the webhook secrets key must be at least 32 characters");
  const key = createHash("sha256").update(keyText, "utf8").digest();
  return {
    seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
      return [VERSION, iv, cipher.getAuthTag(), ciphertext]
        .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
        .join(".");
    },
    open(sealed) {
      const [version, iv, tag, ciphertext] = sealed.split(".");
      if (version !== VERSION || !iv || !tag || ciphertext === undefined) throw new Error("not a sealed webhook secret");
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      // A wrong key fails the tag check here rather than signing with garbage.
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    },
  };
}

/** A new endpoint secret: 32 random bytes, with a prefix that tells what it is when found in a file. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}
