#!/usr/bin/env node
/* global process, console */
// Used by the Dockerfile's prune stage, after `turbo prune <app> --docker --out-dir DIR`:
// writes DIR/prod, the pruned manifests for a production install (`npm install --omit=dev`),
// without the workspaces the app reaches only through devDependencies (such as @aq/devkit, the
// test servers) and without any devDependencies, so that neither those workspaces nor their
// dependencies (s3rver, PGlite...) can end up in the image; and DIR/prod-workspaces.txt, the
// folders of the workspaces the app runs (its own first), whose dist the image copies.
//   node production-tree.mjs DIR @aq/<app>
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const [out, app] = process.argv.slice(2);
if (!out || !app) {
  console.error("usage: production-tree.mjs <turbo prune --docker output> <@aq/app>");
  process.exit(2);
}
const json = join(out, "json");
const prod = join(out, "prod");
const readJson = (path) => JSON.parse(readFileSync(path, "utf8"));

// Workspace folders of the pruned tree, from the lockfile's links.
const lock = readJson(join(json, "package-lock.json"));
const folders = new Map(); // name -> folder
for (const [path, entry] of Object.entries(lock.packages ?? {})) {
  if (path.startsWith("node_modules/") && entry.link && entry.resolved) folders.set(path.slice("node_modules/".length), entry.resolved);
}
if (!folders.has(app)) {
  console.error(`${app} is not a workspace of ${json}`);
  process.exit(1);
}

// What the app reaches through `dependencies` alone.
const needed = [];
const queue = [app];
while (queue.length > 0) {
  const name = queue.shift();
  if (needed.includes(name)) continue;
  needed.push(name);
  const manifest = readJson(join(json, folders.get(name), "package.json"));
  for (const dependency of Object.keys(manifest.dependencies ?? {})) if (folders.has(dependency)) queue.push(dependency);
}

rmSync(prod, { recursive: true, force: true });
cpSync(json, prod, { recursive: true });
for (const [name, folder] of folders) {
  if (!needed.includes(name)) {
    rmSync(join(prod, folder), { recursive: true, force: true });
    console.log(`production-tree: ${name} (${folder}) left out: ${app} reaches it only through devDependencies`);
  }
}
for (const manifestPath of [join(prod, "package.json"), ...needed.map((name) => join(prod, folders.get(name), "package.json"))]) {
  if (!existsSync(manifestPath)) continue;
  const manifest = readJson(manifestPath);
  delete manifest.devDependencies;
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
}
writeFileSync(join(out, "prod-workspaces.txt"), `${needed.map((name) => folders.get(name)).join("\n")}\n`);
console.log(`production-tree: ${app} runs ${needed.join(", ")}`);
