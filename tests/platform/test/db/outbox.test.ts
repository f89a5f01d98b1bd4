import { afterAll, beforeAll, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@aq/devkit";
import { drainOutbox, insertVideo, outbox } from "@aq/platform/db";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

it("holds no row lock while publishing, publishes each row once across two relays, and deletes what it published", async () => {
  const { db } = database;
  for (const id of ["o1", "o2", "o3"]) await insertVideo(db, { id, status: "uploaded", sourceKind: "file", sourceLocation: "/x" });
  const seen: number[] = [];
  const lockAttempts: string[] = [];
  let second: Promise<number> | undefined;
  const first = drainOutbox(db, async (message) => {
    seen.push(message.id);
    // Mid-publish: another transaction can lock the row, and another relay finds nothing to claim.
    const probe = await db.$client.connect();
    try {
      await probe.query("begin");
      const locked = await probe.query("select id from outbox where id = $1 for update nowait", [message.id]);
      lockAttempts.push(locked.rowCount === 1 ? "locked" : "missing");
      await probe.query("rollback");
    } finally {
      probe.release();
    }
    second ??= drainOutbox(db, async (other) => void seen.push(other.id));
  });
  expect(await first).toBe(3);
  expect(await second).toBe(0);
  expect(lockAttempts).toEqual(["locked", "locked", "locked"]);
  expect(seen).toHaveLength(3);
  expect(await db.select().from(outbox)).toEqual([]);
});

it("gives back the rest of a batch when a publish fails, for the next drain", async () => {
  const { db } = database;
  for (const id of ["f1", "f2"]) await insertVideo(db, { id, status: "uploaded", sourceKind: "file", sourceLocation: "/x" });
  let calls = 0;
  await expect(
    drainOutbox(db, async () => {
      if (++calls === 2) throw new Error("NATS unavailable");
    }),
  ).rejects.toThrow("NATS unavailable");
  expect((await db.select().from(outbox)).length).toBe(1);
  const retried: unknown[] = [];
  expect(await drainOutbox(db, async (m) => void retried.push(m.subject))).toBe(1);
  expect(retried).toEqual(["aq.video.f2.uploaded"]);
});
