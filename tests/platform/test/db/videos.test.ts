import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@aq/devkit";
import { drainOutbox, type OutboxMessage } from "@aq/platform/db";
import { beginAttempt, getVideoHistory, insertVideo, listVideos, releaseAttempt, transitionVideo } from "@aq/platform/db";

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
    await insertVideo(db, { id: "cas", status: "uploaded", sourceKind: "upload", sourceLocation: "uploads/cas/source", sourceSizeBytes: 5 * 2 ** 30 });
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

  it("counts attempts only while the status holds, and gives back an interrupted one", async () => {
    const { db } = database;
    await insertVideo(db, { id: "attempts", status: "encoding", sourceKind: "upload", sourceLocation: "k" });
    expect(await beginAttempt(db, "attempts", "encoding")).toBe(1);
    expect(await beginAttempt(db, "attempts", "encoding")).toBe(2);
    await releaseAttempt(db, "attempts", "encoding");
    expect(await beginAttempt(db, "attempts", "encoding")).toBe(2);
    expect(await beginAttempt(db, "attempts", "probed")).toBeNull();
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
