import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../src/paths.js";

// The docs point into a tree that keeps moving (packages split, tests relocated): a link or a
// path that no longer resolves should fail here, not mislead a reader.

const DOCS = [
  "README.md",
  "CONTRIBUTING.md",
  ...readdirSync(join(repoRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
  "apps/gateway/README.md",
  "apps/edge-worker/README.md",
  "apps/web/README.md",
  "bench/README.md",
  "packages/contracts/GLOSSARY.md",
].filter((file) => existsSync(join(repoRoot, file)));

/** Top-level folders whose paths, written as code (`packages/media/src/ladder.ts`), must exist. */
const PATH_IN_CODE = /^(?:apps|packages|tests|bench|scripts|docs)\/[\w.@/-]+$/;

/** Paths under these are written by runs (test artifacts, bench results), so they may be absent. */
const generated = readFileSync(join(repoRoot, ".gitignore"), "utf8")
  .split("\n")
  .map((line) => line.trim().replace(/^\/|\/$/g, ""))
  .filter((line) => line && !line.startsWith("#") && !line.includes("*"));

function isGenerated(path: string): boolean {
  const segments = path.split("/");
  return generated.some((entry) => (entry.includes("/") ? path === entry || path.startsWith(`${entry}/`) : segments.includes(entry)));
}

/** The file's text outside fenced code blocks, where links and code spans are prose. */
function prose(text: string): string {
  return text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, "");
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const match of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)) {
    const base = match[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count ? `${base}-${count}` : base);
  }
  return result;
}

/** `markdown` is the text of `file` (relative to the repository root), whose links it resolves against. */
function brokenReferences(file: string, markdown = readFileSync(join(repoRoot, file), "utf8")): string[] {
  const text = prose(markdown);
  const problems: string[] = [];
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    if (/^[a-z][a-z+.-]*:/i.test(target!)) continue; // https:, mailto:
    const [path, anchor] = target!.split("#") as [string, string | undefined];
    if (!path) {
      if (anchor && !anchors(markdown).has(anchor)) problems.push(`${file}: link to ${target} (no such heading)`);
      continue;
    }
    const resolved = resolve(repoRoot, dirname(file), decodeURIComponent(path));
    if (!existsSync(resolved)) {
      problems.push(`${file}: link to ${target} (no ${relative(repoRoot, resolved)})`);
      continue;
    }
    if (anchor && resolved.endsWith(".md") && !anchors(readFileSync(resolved, "utf8")).has(anchor)) {
      problems.push(`${file}: link to ${target} (no heading #${anchor} in ${relative(repoRoot, resolved)})`);
    }
  }
  for (const [, span] of text.matchAll(/`([^`\n]+)`/g)) {
    const path = span!.replace(/\/$/, "");
    if (PATH_IN_CODE.test(path) && !isGenerated(path) && !existsSync(join(repoRoot, path))) {
      problems.push(`${file}: path \`${span}\` does not exist`);
    }
  }
  return problems;
}

describe("documentation references", () => {
  it("reads the README and every docs/*.md", () => {
    expect(DOCS).toContain("README.md");
    expect(DOCS.filter((file) => file.startsWith("docs/")).length).toBeGreaterThan(3);
  });

  it.each(DOCS)("%s: every relative link, heading anchor and repository path resolves", (file) => {
    expect(brokenReferences(file)).toEqual([]);
  });

  it("finds a broken link, a missing anchor and a stale path, and ignores code blocks and URLs", () => {
    const markdown = [
      "[ok](architecture.md#statuses) [up](../README.md) [web](https://example.com/x) [self](#title) [other](#elsewhere)",
      "[gone](nowhere.md) [no anchor](api.md#no-such-heading) `packages/media/src/no-such-file.ts` `packages/media/src`",
      "```sh",
      "[in a block](also-nowhere.md) `packages/in/a/block.ts`",
      "```",
      "# Title",
    ].join("\n");
    expect(brokenReferences("docs/example.md", markdown)).toEqual([
      "docs/example.md: link to #elsewhere (no such heading)",
      "docs/example.md: link to nowhere.md (no docs/nowhere.md)",
      "docs/example.md: link to api.md#no-such-heading (no heading #no-such-heading in docs/api.md)",
      "docs/example.md: path `packages/media/src/no-such-file.ts` does not exist",
    ]);
  });

  it("computes GitHub's anchors and knows generated paths", () => {
    const anchorsOfReadme = anchors("# AQ\n## Map of the code\n```\n## not a heading\n```\n## `aq encode`: one file\n## Map of the code\n");
    expect([...anchorsOfReadme]).toEqual(["aq", "map-of-the-code", "aq-encode-one-file", "map-of-the-code-1"]);
    expect(isGenerated("tests/pipeline/test-artifacts/load.json")).toBe(true);
    expect(isGenerated("packages/media/src/ladder.ts")).toBe(false);
  });
});
