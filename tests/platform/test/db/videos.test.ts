import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@aq/devkit";
import { drainOutbox, type OutboxMessage } from "@aq/platform/db";
import {
  acquireLease,
  beginAttempt,
  getVideoHistory,
  insertVideo,
  listVideos,
  liveLease,
  releaseAttempt,
  renewLease,
  transitionVideo,
  type LeaseRef,
} from "@aq/platform/db";

async function lease(db: TestDatabase["db"], videoId: string, owner: string, ttlMs = 60_000): Promise<LeaseRef | null> {
  const result = await acquireLease(db, { videoId, unit: "encoder", statuses: ["probed", "encoding"], owner, ttlMs });
  return result.kind === "acquired" ? result.lease : null;
}

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

async function published(): Promise<OutboxMessage[]> {
  const messages: OutboxMessage[] = [];
  await drainOutbox(database.db, async (m) => void messages.push(m));
  return messages;
}

describe("videos repository", () => {
  it("changes status only from an expected status, records history and one outbox event per change", async () => {
    const { db } = database;
    await insertVideo(db, {
      id: "cas",
      status: "uploaded",
      sourceKind: "upload",
      sourceLocation: "uploads/cas/source",
      sourceSizeBytes: 5 * 2 ** 30,
    });
    await published();

    expect((await transitionVideo(db, { id: "cas", from: "uploaded", to: "probing" }))?.status).toBe("probing");
    // A second worker or a redelivered message finds the video already moved on.
    expect(await transitionVideo(db, { id: "cas", from: "uploaded", to: "probing" })).toBeNull();
    expect(await transitionVideo(db, { id: "missing", from: "uploaded", to: "probing" })).toBeNull();
    const [row] = await Promise.all([
      transitionVideo(db, { id: "cas", from: "probing", to: "probed" }),
      transitionVideo(db, { id: "cas", from: "probing", to: "rejected" }),
    ]).then((rows) => rows.filter(Boolean));
    expect(["probed", "rejected"]).toContain(row?.status);

    const history = await getVideoHistory(db, "cas");
    expect(history.map((h) => [h.fromStatus, h.toStatus])).toEqual([
      [null, "uploaded"],
      ["uploaded", "probing"],
      ["probing", row?.status],
    ]);
    expect((await published()).map((m) => m.subject)).toEqual(["aq.video.cas.probing", `aq.video.cas.${row?.status}`]);
    // Sizes beyond 2 GiB are stored exactly.
    expect(history.length && (await listVideos(db, { first: 100 })).find((v) => v.id === "cas")?.sourceSizeBytes).toBe(5 * 2 ** 30);
  });

  it("counts attempts only while the status and the lease hold, and gives back an interrupted one", async () => {
    const { db } = database;
    await insertVideo(db, { id: "attempts", status: "encoding", sourceKind: "upload", sourceLocation: "k" });
    const held = (await lease(db, "attempts", "a"))!;
    expect(await beginAttempt(db, held, "encoding")).toBe(1);
    expect(await beginAttempt(db, held, "encoding")).toBe(2);
    await releaseAttempt(db, held, "encoding");
    expect(await beginAttempt(db, held, "encoding")).toBe(2);
    expect(await beginAttempt(db, held, "probed")).toBeNull();
    expect(await beginAttempt(db, { ...held, token: "00000000-0000-4000-8000-000000000000" }, "encoding")).toBeNull();
  });

  it("gives a unit of work one owner: a live lease refuses others, an expired one is taken over and its old holder can no longer write", async () => {
    const { db } = database;
    await insertVideo(db, { id: "leased", status: "probed", sourceKind: "upload", sourceLocation: "k" });
    // Granted for 0 ms: expired as soon as another transaction looks (the database clock decides).
    const first = (await lease(db, "leased", "first", 0))!;
    expect(first).not.toBeNull();
    expect(await renewLease(db, first, 60_000)).toBe(true);
    const refused = await acquireLease(db, { videoId: "leased", unit: "encoder", statuses: ["probed"], owner: "second", ttlMs: 60_000 });
    expect(refused).toMatchObject({ kind: "held", holder: { owner: "first" } });
    // Another unit of the same video is free.
    expect(
      (await acquireLease(db, { videoId: "leased", unit: "encoder/chunk-0001", statuses: ["probed"], owner: "c", ttlMs: 1000 })).kind,
    ).toBe("acquired");
    expect(await transitionVideo(db, { id: "leased", from: "probed", to: "encoding", lease: first })).not.toBeNull();

    // The first holder stops renewing (here: renews for 0 ms); once expired, the second takes over.
    expect(await renewLease(db, first, 0)).toBe(true);
    const second = (await lease(db, "leased", "second"))!;
    expect(second).not.toBeNull();
    expect(await renewLease(db, first, 60_000)).toBe(false);
    expect(await transitionVideo(db, { id: "leased", from: "encoding", to: "encoded", lease: first })).toBeNull();
    expect(await renewLease(db, second, 60_000)).toBe(true);
    expect((await transitionVideo(db, { id: "leased", from: "encoding", to: "encoded", lease: second, releaseLease: true }))?.status).toBe(
      "encoded",
    );
    // Released with the status change, and the video has left the statuses the lease is for.
    expect(await liveLease(db, "leased", "encoder")).toBeNull();
    expect(
      await acquireLease(db, { videoId: "leased", unit: "encoder", statuses: ["probed", "encoding"], owner: "t", ttlMs: 1000 }),
    ).toEqual({
      kind: "moved",
      status: "encoded",
    });
  });

  it("pages through videos created in the same millisecond without skipping or repeating any", async () => {
    const { db } = database;
    const ids = Array.from({ length: 7 }, (_, i) => `page-${i}`);
    await Promise.all(ids.map((id) => insertVideo(db, { id, status: "ready", sourceKind: "upload", sourceLocation: "k" })));
    const seen: string[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await listVideos(db, { status: "ready", first: 2, after });
      if (!page.length) break;
      seen.push(...page.map((v) => v.id));
      const last = page[page.length - 1]!;
      after = { createdAt: last.createdAt, id: last.id };
    }
    expect(seen.filter((id) => id.startsWith("page-")).sort()).toEqual(ids);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
