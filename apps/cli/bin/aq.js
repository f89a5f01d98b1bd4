#!/usr/bin/env node
// Runs the compiled CLI when it has been built, otherwise the TypeScript sources through tsx,
// so `npx aq` works on a fresh clone without a build step.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = join(root, "dist", "main.js");
const args = existsSync(built)
  ? [built]
  : ["--conditions=source", "--import", "tsx", join(root, "src", "main.ts")];
const result = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(result.status ?? 1);
