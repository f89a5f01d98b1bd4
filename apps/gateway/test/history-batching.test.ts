import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { startInfrastructure, startTestGateway, type Infrastructure, type TestGateway } from "./harness.js";

let infra: Infrastructure;
let gw: TestGateway;

beforeAll(async () => {
  infra = await startInfrastructure();
  gw = await startTestGateway(infra, {}, { relay: false });
});

afterAll(async () => {
  await gw?.stop();
  await infra?.stop();
});

it("reads the histories of a page of videos in one query, not one per video", async () => {
  const title = `batch-${Date.now()}`;
  for (let i = 0; i < 30; i++) {
    const created = await gw.graphql(`mutation($input: CreateVideoInput!) { createVideo(input: $input) { video { id } } }`, {
      input: { title, sourceUrl: `s3://${gw.storage.bucket}/batch/${i}.mp4` },
    });
    expect(created.errors).toBeUndefined();
  }
  const query = vi.spyOn(gw.db.$client, "query");
  try {
    const result = await gw.graphql<{ videos: { edges: Array<{ node: { title: string; history: Array<{ to: string }> } }> } }>(
      `{ videos(first: 30) { edges { node { title history { to } } } } }`,
    );
    const nodes = result.data!.videos.edges.map((edge) => edge.node);
    expect(nodes).toHaveLength(30);
    for (const node of nodes) expect(node).toEqual({ title, history: [{ to: "UPLOADED" }] });
    // The page and the histories: two queries (the old resolver made 31).
    expect(query).toHaveBeenCalledTimes(2);
  } finally {
    query.mockRestore();
  }
});
