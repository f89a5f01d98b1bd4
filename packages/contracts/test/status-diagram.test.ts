import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { STATUS_TABLE, VIDEO_STATUSES, type VideoStatus } from "../src/status.js";

// docs/architecture.md draws the status table for readers; drawn by hand, it must not drift.
const architectureDoc = fileURLToPath(new URL("../../../docs/architecture.md", import.meta.url));

/** The `FROM --> TO` moves of the first stateDiagram in the markdown, as "from>to" in lower case. */
function drawnMoves(markdown: string): string[] {
  const diagram = markdown.match(/```mermaid\nstateDiagram-v2\n([\s\S]*?)```/)?.[1] ?? "";
  return [...diagram.matchAll(/^\s*([A-Z_]+)\s*-->\s*([A-Z_]+)/gm)].map(([, from, to]) => `${from!.toLowerCase()}>${to!.toLowerCase()}`);
}

/** Every move the table allows, but the moves to deleted (the doc says deleteVideo ends any status). */
function tableMoves(): string[] {
  return VIDEO_STATUSES.flatMap((from) => (STATUS_TABLE[from].next as readonly VideoStatus[]).map((to) => `${from}>${to}`));
}

describe("docs/architecture.md, the status diagram", () => {
  it("draws every move of STATUS_TABLE but deletions, and only moves the table allows", () => {
    const drawn = drawnMoves(readFileSync(architectureDoc, "utf8"));
    const allowed = tableMoves();
    expect(drawn.filter((move) => !allowed.includes(move))).toEqual([]);
    expect(allowed.filter((move) => !move.endsWith(">deleted") && !drawn.includes(move))).toEqual([]);
  });

  it("reads only the moves of the state diagram", () => {
    const markdown =
      "```mermaid\nflowchart LR\n  A --> B\n```\n```mermaid\nstateDiagram-v2\n  [*] --> UPLOADED: x\n  UPLOADED --> PROBING: probe\n```\n";
    expect(drawnMoves(markdown)).toEqual(["uploaded>probing"]);
  });
});
