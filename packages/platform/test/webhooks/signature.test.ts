import { describe, expect, it } from "vitest";
import { createSecretBox, newWebhookSecret, signWebhook, verifyWebhookSignature } from "../../src/webhooks/index.js";

const secret = "whsec_test-secret-0123456789abcdef";
const body = JSON.stringify({ id: "e1", type: "video.ready" });
const now = 1_800_000_000_000;
const t = now / 1000;

describe("webhook signatures", () => {
  it("verifies a header made by signWebhook for the same body, secret and time", () => {
    expect(verifyWebhookSignature({ secret, body, header: signWebhook(secret, body, t), now })).toBe(true);
  });

  it("matches the HMAC-SHA256 of '<t>.<body>' that a receiver in any language computes", () => {
    // echo -n '1800000000.{"id":"e1","type":"video.ready"}' | openssl dgst -sha256 -hmac whsec_test-secret-0123456789abcdef
    expect(signWebhook(secret, body, t)).toBe("t=1800000000,v1=40d10658618ba918406b5e2bc9ffbe4b445745caede7715663c192fd916edd3e");
  });

  it("refuses another body, another secret, an old or future timestamp and a malformed header", () => {
    const header = signWebhook(secret, body, t);
    expect(verifyWebhookSignature({ secret, body: body + " ", header, now })).toBe(false);
    expect(verifyWebhookSignature({ secret: "whsec_other-secret-0123456789", body, header, now })).toBe(false);
    expect(verifyWebhookSignature({ secret, body, header, now: now + 301_000 })).toBe(false);
    expect(verifyWebhookSignature({ secret, body, header, now: now - 301_000 })).toBe(false);
    expect(verifyWebhookSignature({ secret, body, header, now: now + 299_000 })).toBe(true);
    for (const bad of [undefined, "", "t=abc,v1=00", `t=${t}`, `v1=${header.split("v1=")[1]}`]) {
      expect(verifyWebhookSignature({ secret, body, header: bad, now })).toBe(false);
    }
  });

  it("accepts a header with several v1 signatures when one matches", () => {
    const good = signWebhook(secret, body, t).split("v1=")[1];
    expect(verifyWebhookSignature({ secret, body, header: `t=${t},v1=${"0".repeat(64)},v1=${good}`, now })).toBe(true);
  });
});

describe("webhook secret box", () => {
  it("opens what it sealed, with a fresh nonce each time, and refuses another key", () => {
    const box = createSecretBox("k".repeat(32));
    const value = newWebhookSecret();
    const a = box.seal(value);
    const b = box.seal(value);
    expect(a).not.toBe(b);
    expect(a).not.toContain(value);
    expect(box.open(a)).toBe(value);
    expect(() => createSecretBox("x".repeat(32)).open(a)).toThrow();
    expect(() => createSecretBox("short")).toThrow(/32 characters/);
  });

  it("makes secrets of 32 random bytes with the whsec_ prefix", () => {
    const value = newWebhookSecret();
    expect(value).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(value);
  });
});
