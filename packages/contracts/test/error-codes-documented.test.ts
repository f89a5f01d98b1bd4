import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../src/error-codes.js";

// Operators look a code up in this table; a code added here without a row leaves them guessing.
const operationsDoc = fileURLToPath(new URL("../../../docs/operations.md", import.meta.url));

/** The codes in the first column of the "Error codes" table. */
function documentedCodes(markdown: string): string[] {
  const section = markdown.split(/^## Error codes$/m)[1]?.split(/^## /m)[0] ?? "";
  return [...section.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((match) => match[1]!);
}

describe("docs/operations.md, Error codes", () => {
  it("has a row for every error code, and only once", () => {
    const documented = documentedCodes(readFileSync(operationsDoc, "utf8"));
    expect(ERROR_CODES.filter((code) => !documented.includes(code))).toEqual([]);
    expect(documented.filter((code, i) => documented.indexOf(code) !== i)).toEqual([]);
  });

  it("reads codes from that table only", () => {
    const markdown = "## Error codes\n| Code |\n| `SOURCE_EMPTY` | x |\n## Other\n| `NOT_IN_TABLE` | y |\n";
    expect(documentedCodes(markdown)).toEqual(["SOURCE_EMPTY"]);
  });
});
