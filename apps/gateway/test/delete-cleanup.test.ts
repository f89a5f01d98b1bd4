import { DeleteObjectsCommand, PutObjectCommand } from "@aws-sdk/client-s3";
import { getVideo, insertVideo } from "@aq/platform/db";
import { listPrefix } from "@aq/platform/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInfrastructure, startTestGateway, type Infrastructure, type TestGateway } from "./harness.js";

const DELETE = `mutation($id: ID!) { deleteVideo(id: $id) }`;

describe("deleteVideo when the bucket refuses the delete (strict R2 stand-in)", () => {
  let infra: Infrastructure;
  let gw: TestGateway;

  beforeAll(async () => {
    infra = await startInfrastructure();
    gw = await startTestGateway(infra);
  });
  afterAll(async () => {
    await gw?.stop();
    await infra?.stop();
  });

  it("marks the video deleted, reports CLEANUP_FAILED, and removes the objects when called again", async () => {
    const id = `cleanup-${Date.now()}`;
    await insertVideo(gw.db, {
      id,
      title: id,
      status: "ready",
      sourceKind: "upload",
      sourceLocation: `uploads/${id}/a.mp4`,
      outputPrefix: `videos/${id}/`,
    });
    await gw.storage.client.send(new PutObjectCommand({ Bucket: gw.storage.bucket, Key: `videos/${id}/master.m3u8`, Body: "#EXTM3U\n" }));

    // An SDK that stopped sending DeleteObjects' integrity header: R2, and the stand-in, refuse it.
    const stripIntegrity = "stripDeleteObjectsIntegrity";
    gw.storage.client.middlewareStack.add(
      (next, context) => (args) => {
        if (context.commandName === DeleteObjectsCommand.name) {
          const headers = (args.request as { headers: Record<string, string> }).headers;
          for (const name of Object.keys(headers)) if (/checksum|content-md5/i.test(name)) delete headers[name];
        }
        return next(args);
      },
      { step: "build", priority: "low", name: stripIntegrity },
    );
    let refused;
    try {
      refused = await gw.graphql(DELETE, { id });
    } finally {
      gw.storage.client.middlewareStack.remove(stripIntegrity);
    }
    expect(refused.errors?.[0]).toMatchObject({
      message: expect.stringMatching(
        /^the video is deleted, but its files could not all be removed \(.*InvalidRequest.*\); call deleteVideo again/,
      ),
      extensions: { code: "STORAGE_ERROR", aqCode: "CLEANUP_FAILED" },
    });
    expect((await getVideo(gw.db, id))?.status).toBe("deleted");
    expect(await listPrefix(gw.storage, `videos/${id}/`)).toHaveLength(1);

    expect((await gw.graphql(DELETE, { id })).data).toEqual({ deleteVideo: true });
    expect(await listPrefix(gw.storage, `videos/${id}/`)).toEqual([]);
  });
});
