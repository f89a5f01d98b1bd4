import { createServer } from "node:net";
import { connect } from "@nats-io/transport-node";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createDatabase, closeDatabase, getVideo, insertVideo, runMigrations } from "@aq/platform/db";
import { canConnect, freePort } from "@aq/devkit";
import { startNatsServer } from "@aq/devkit";
import { startPgliteServer } from "@aq/devkit";
import { createTestDatabase } from "@aq/devkit";
import { waitFor } from "@aq/devkit";

describe("freePort and waitFor", () => {
  it("gives a port that can be listened on", async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
    expect(await canConnect("127.0.0.1", port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await canConnect("127.0.0.1", port)).toBe(false);
  });

  it("returns the first truthy value and names what it waited for on timeout", async () => {
    let n = 0;
    expect(await waitFor(() => (++n >= 3 ? `after ${n}` : null), { intervalMs: 1 })).toBe("after 3");
    await expect(waitFor(() => false, { timeoutMs: 30, intervalMs: 5, message: "the impossible" })).rejects.toThrow(
      /timed out after 30 ms waiting for the impossible/,
    );
    await expect(
      waitFor(
        () => {
          throw new Error("not yet");
        },
        { timeoutMs: 30, intervalMs: 5 },
      ),
    ).rejects.toThrow(/last error: not yet/);
  });
});

describe("startNatsServer", () => {
  it("runs a JetStream server of its own that restarts on the same port and stops", async () => {
    const server = await startNatsServer();
    const nc = await connect({ servers: server.url });
    const info = nc.info;
    expect(info?.jetstream).toBe(true);
    await nc.close();
    let downDuringRestart: boolean | undefined;
    await server.restart(async () => {
      downDuringRestart = !(await canConnect("127.0.0.1", server.port));
    });
    expect(downDuringRestart).toBe(true);
    expect(await canConnect("127.0.0.1", server.port)).toBe(true);
    await server.stop();
    expect(await canConnect("127.0.0.1", server.port)).toBe(false);
  });
});

describe("createTestDatabase", () => {
  it("creates a fresh migrated database and drops it", async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    expect(a.url).not.toBe(b.url);
    await insertVideo(a.db, { id: "only-in-a", status: "uploaded", sourceKind: "file", sourceLocation: "/x" });
    expect(await getVideo(a.db, "only-in-a")).not.toBeNull();
    expect(await getVideo(b.db, "only-in-a")).toBeNull();
    await b.drop();
    await a.drop();
    const client = new pg.Client({ connectionString: a.url });
    await expect(client.connect()).rejects.toThrow(/does not exist/);
  });
});

describe("startPgliteServer (the fallback when no Postgres answers)", () => {
  it("serves a database that migrations, transactions and row locks work on over the wire", async () => {
    const server = await startPgliteServer();
    try {
      const db = createDatabase(server.url, { max: 3 });
      await runMigrations(db);
      await insertVideo(db, { id: "pglite-1", status: "uploaded", sourceKind: "file", sourceLocation: "/x" });
      // Two pool connections inside transactions: the socket server keeps each together.
      await Promise.all(
        [1, 2].map((n) =>
          db.transaction(async (tx) => {
            await tx.execute(`select id from videos where id = 'pglite-1' for update`);
            await tx.execute(`update videos set attempts = attempts + ${n} where id = 'pglite-1'`);
          }),
        ),
      );
      expect((await getVideo(db, "pglite-1"))?.attempts).toBe(3);
      await closeDatabase(db);
    } finally {
      await server.stop();
    }
  });
});
