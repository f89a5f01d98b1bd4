import { readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { execa } from "execa";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createTestDatabase, waitFor, type TestDatabase } from "@aq/devkit";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");
const migrationsDir = join(repoRoot, "packages/platform/src/db/migrations");

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  // Back to an empty database: every migration is pending again. The migrations table exists,
  // as Drizzle creates it (IF NOT EXISTS) before reading it.
  await database.db.execute(
    sql.raw(`drop schema drizzle cascade; drop schema public cascade; create schema public; create schema drizzle;
      create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`),
  );
});

afterAll(async () => {
  await database?.drop();
});

it("four services migrating one empty database at once all start, and each migration runs once", async () => {
  // Hold the migrations table until all four processes are blocked, so that they start at the
  // same moment rather than one after another by the luck of their start-up times.
  const gate = await database.db.$client.connect();
  await gate.query("begin; lock table drizzle.__drizzle_migrations in access exclusive mode");
  const running = Promise.all(
    Array.from({ length: 4 }, () =>
      execa(process.execPath, ["--conditions=source", "--import", "tsx", "packages/platform/src/db/migrate-cli.ts"], {
        cwd: repoRoot,
        env: { DATABASE_URL: database.url },
        reject: false,
      }),
    ),
  );
  await waitFor(
    async () => {
      const waiting = await gate.query<{ n: number }>(
        "select count(*)::int as n from pg_locks where not granted and pid <> pg_backend_pid()",
      );
      return waiting.rows[0]?.n === 4;
    },
    { timeoutMs: 60_000, intervalMs: 100, message: "four migrating processes to wait on the migrations table or on each other" },
  );
  await gate.query("commit");
  gate.release();
  const runs = await running;
  expect(runs.map((r) => ({ exitCode: r.exitCode, stderr: r.stderr }))).toEqual(
    Array.from({ length: 4 }, () => ({ exitCode: 0, stderr: "" })),
  );

  const journal = JSON.parse(await readFile(join(migrationsDir, "meta/_journal.json"), "utf8")) as { entries: unknown[] };
  const applied = await database.db.execute(sql.raw("select count(*)::int as n from drizzle.__drizzle_migrations"));
  expect(applied.rows[0]?.n).toBe(journal.entries.length);
  const videos = await database.db.execute(sql.raw("select count(*)::int as n from videos"));
  expect(videos.rows[0]?.n).toBe(0);
});
