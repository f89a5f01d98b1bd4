import { DeleteObjectsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAqError } from "@aq/contracts";
import { captureLog, startS3Server, type TestS3Server } from "@aq/devkit";
import { createStorage, deletePrefixWithBackoff, listPrefix, type Storage } from "@aq/platform/storage";

let s3: TestS3Server;

beforeAll(async () => {
  s3 = await startS3Server();
});
afterAll(async () => {
  await s3?.stop();
});

async function put(storage: Storage, keys: string[]): Promise<void> {
  for (const key of keys) await storage.client.send(new PutObjectCommand({ Bucket: storage.bucket, Key: key, Body: "x" }));
}

describe("deletePrefixWithBackoff against the strict R2 stand-in", () => {
  it("deletes every object under the prefix and counts them", async () => {
    await put(s3.storage, ["clean/a/1.ts", "clean/a/2.ts", "clean/b/1.ts"]);
    expect(await deletePrefixWithBackoff(s3.storage, "clean/a/")).toBe(2);
    expect((await listPrefix(s3.storage, "clean/")).map((o) => o.key)).toEqual(["clean/b/1.ts"]);
  });

  it("retries a refused delete, then fails with CLEANUP_FAILED naming the prefix and the refusal", async () => {
    await put(s3.storage, ["refused/1.ts"]);
    // An SDK that stopped sending DeleteObjects' integrity header: R2 (and the stand-in) refuse it.
    const storage = createStorage(s3.env);
    storage.client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === DeleteObjectsCommand.name) {
          const headers = (args.request as { headers: Record<string, string> }).headers;
          for (const name of Object.keys(headers)) if (/checksum|content-md5/i.test(name)) delete headers[name];
        }
        return next(args);
      },
      { step: "build", priority: "low" },
    );
    const captured = captureLog();
    const error = await deletePrefixWithBackoff(storage, "refused/", { attempts: 3, retryBaseMs: 5, log: captured.log }).catch(
      (e: unknown) => e,
    );
    storage.client.destroy();
    expect(isAqError(error) && error.code).toBe("CLEANUP_FAILED");
    expect((error as Error).message).toMatch(/objects under refused\/ after 3 attempts: InvalidRequest/);
    expect(captured.find("delete failed, retrying")).toHaveLength(2);
    expect((await listPrefix(s3.storage, "refused/")).map((o) => o.key)).toEqual(["refused/1.ts"]);
  });

  it("keeps the credentials out of the error", async () => {
    const secret = "a-secret-that-must-not-leak";
    const wrong = createStorage({ ...s3.env, S3_SECRET_ACCESS_KEY: secret });
    const error = await deletePrefixWithBackoff(wrong, "clean/", { attempts: 2, retryBaseMs: 5 }).catch((e: unknown) => e);
    wrong.client.destroy();
    expect(isAqError(error) && error.code).toBe("CLEANUP_FAILED");
    expect((error as Error).message).toContain("SignatureDoesNotMatch");
    expect((error as Error).message).not.toContain(secret);
    expect((error as Error).message).not.toContain(s3.env.S3_ACCESS_KEY_ID);
  });
});
