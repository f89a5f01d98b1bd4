import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { closeDatabase, createDatabase, runMigrations } from "@aq/platform/db";
import { createTestDatabase, type TestDatabase } from "@aq/devkit";

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

it("has the server cancel a statement that runs past the statement timeout (30 s by default)", async () => {
  const db = createDatabase(database.url, { max: 1, statementTimeoutMs: 300 });
  const byDefault = createDatabase(database.url, { max: 1 });
  try {
    await expect(db.$client.query("select pg_sleep(5)")).rejects.toMatchObject({
      code: "57014",
      message: "canceling statement due to statement timeout",
    });
    expect((await byDefault.$client.query("show statement_timeout")).rows).toEqual([{ statement_timeout: "30s" }]);
  } finally {
    await Promise.all([closeDatabase(db), closeDatabase(byDefault)]);
  }
});

it("fails a query that cannot get a connection within the connection timeout instead of queueing it", async () => {
  const db = createDatabase(database.url, { max: 1, connectionTimeoutMs: 200 });
  const held = await db.$client.connect();
  try {
    await expect(db.$client.query("select 1")).rejects.toThrow(/timeout exceeded when trying to connect/);
  } finally {
    held.release();
    await closeDatabase(db);
  }
});

it("runs migrations without the statement timeout and gives the connection its timeout back", async () => {
  // 1 ms is shorter than creating a table takes.
  const db = createDatabase(database.url, { max: 1, statementTimeoutMs: 1 });
  try {
    await database.db.execute(sql.raw(`drop schema drizzle cascade; drop schema public cascade; create schema public;`));
    await runMigrations(db);
    expect((await db.$client.query("show statement_timeout")).rows).toEqual([{ statement_timeout: "1ms" }]);
  } finally {
    await closeDatabase(db);
  }
});
