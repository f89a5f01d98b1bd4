import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CONFIGURATION_DOC_PATH, renderConfigurationDoc } from "../src/configuration-doc.js";
import { ENV_READERS } from "../src/services.js";

describe("docs/configuration.md", () => {
  it("is generated from the current schemas and descriptions (npm run docs:config)", async () => {
    expect(await readFile(CONFIGURATION_DOC_PATH, "utf8")).toBe(renderConfigurationDoc());
  });

  it("lists every variable a service reads, once, with who reads it", () => {
    const doc = renderConfigurationDoc();
    const names = new Set(Object.values(ENV_READERS).flatMap((shape) => Object.keys(shape)));
    for (const name of names)
      expect({ name, rows: doc.split("\n").filter((line) => line.startsWith(`| \`${name}\` |`)).length }).toEqual({ name, rows: 1 });
    expect(doc).toMatch(/^\| `STUCK_AFTER_SECONDS` \| `900` \| G P E U \|/m);
    expect(doc).toMatch(/^\| `HEALTH_PORT` \| G `4001`, P `8081`, E `8082`, U `8083`, W `8084` \|/m);
    expect(doc).toMatch(/^\| `PROBE_TIMEOUT_SECONDS` \| `60` \| P E C \|/m);
  });
});
