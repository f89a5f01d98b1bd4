import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createStorage, headObject } from "@aq/platform/storage";

let server: Server;
const sockets = new Set<Socket>();
let connections = 0;

beforeAll(async () => {
  // Accepts every connection, reads the request and never answers: a hung S3 endpoint.
  server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("data", () => {});
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

it("gives up on an S3 server that accepts and never answers, instead of holding the call for ever", async () => {
  const storage = createStorage(
    {
      S3_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      S3_REGION: "auto",
      S3_BUCKET: "hung",
      S3_ACCESS_KEY_ID: "key",
      S3_SECRET_ACCESS_KEY: "secret",
      S3_FORCE_PATH_STYLE: true,
    },
    { idleMs: 300 },
  );
  const error = await headObject(storage, "any").catch((e: unknown) => e as Error);
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).name).toBe("TimeoutError");
  // Each of the SDK's three attempts timed out on its own connection.
  expect(connections).toBe(3);
  expect((error as Error).message).not.toContain("secret");
  storage.client.destroy();
});
