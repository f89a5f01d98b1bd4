import crypto from "node:crypto";

let installed = false;

/**
 * s3rver 3.7 encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3
 * (Node 17 and later) only offers in its legacy provider, so every truncated listing fails
 * with InternalError (s3rver issue #818). Triple DES with the key repeated three times is
 * single DES bit for bit and is in OpenSSL's default provider; s3rver calls
 * `crypto.createCipheriv` through the module object, so mapping "des" there restores paging.
 */
export function installS3rverDesShim(): void {
  if (installed) return;
  installed = true;
  const { createCipheriv, createDecipheriv } = crypto;
  const tripled = (key: crypto.CipherKey) =>
    Buffer.concat([Buffer.from(key as Buffer), Buffer.from(key as Buffer), Buffer.from(key as Buffer)]);
  const cipher = crypto as { createCipheriv: unknown; createDecipheriv: unknown };
  cipher.createCipheriv = (algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null, options?: unknown) =>
    algorithm === "des"
      ? createCipheriv("des-ede3-cbc", tripled(key), iv)
      : createCipheriv(algorithm, key, iv, options as crypto.CipherCCMOptions);
  cipher.createDecipheriv = (algorithm: string, key: crypto.CipherKey, iv: crypto.BinaryLike | null, options?: unknown) =>
    algorithm === "des"
      ? createDecipheriv("des-ede3-cbc", tripled(key), iv)
      : createDecipheriv(algorithm, key, iv, options as crypto.CipherCCMOptions);
}
