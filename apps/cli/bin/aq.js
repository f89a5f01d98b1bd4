#!/usr/bin/env node
// Runs the compiled CLI when it has been built, otherwise the TypeScript sources through tsx,
// so `npx aq` works on a fresh clone without a build step. tsx is resolved from here, not from
// the caller's working directory.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const built = join(root, "dist", "main.js");
const args = existsSync(built) ? [built] : ["--conditions=source", "--import", import.meta.resolve("tsx"), join(root, "src", "main.ts")];
// The terminal sends Ctrl-C to both processes; this one leaves the handling (abort, clean up, exit 130) to the CLI.
process.on("SIGINT", () => {});
const result = spawnSync(process.execPath, [...args, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(result.status ?? 1);
