#!/usr/bin/env node
/* global process, console */
// Used by the Dockerfile's prune stage, after `turbo prune <app> --docker --out-dir DIR`:
// writes DIR/prod, the pruned manifests and lockfile for a production install (`npm ci --omit=dev`),
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
// The lockfile keeps only what those workspaces reach (dependencies, optional ones, required
// peers), so that nothing of the left-out workspaces stays behind: npm would otherwise keep a
// package of theirs that something else names as an optional peer (PGlite for drizzle-orm).
const packages = lock.packages;
const keep = new Set([""]);
const resolve = (from, name) => {
  for (let base = from; ;) {
    const candidate = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!base) return null;
    const at = base.lastIndexOf("node_modules/");
    base = at <= 0 ? "" : base.slice(0, at - 1);
  }
};
const visit = (path) => {
  if (keep.has(path) || !packages[path]) return;
  keep.add(path);
  const entry = packages[path];
  if (entry.link) return visit(entry.resolved);
  const optionalPeers = entry.peerDependenciesMeta ?? {};
  const names = [
    ...Object.keys(entry.dependencies ?? {}),
    ...Object.keys(entry.optionalDependencies ?? {}),
    ...Object.keys(entry.peerDependencies ?? {}).filter((name) => !optionalPeers[name]?.optional),
  ];
  for (const name of names) {
    const target = resolve(path, name);
    if (target) visit(target);
  }
};
for (const name of needed) {
  visit(`node_modules/${name}`);
  visit(folders.get(name));
}
const pruned = {};
for (const [path, entry] of Object.entries(packages)) {
  if (!keep.has(path)) continue;
  const copy = { ...entry };
  if (path === "" || needed.some((name) => folders.get(name) === path)) delete copy.devDependencies;
  if (path === "") copy.workspaces = entry.workspaces;
  pruned[path] = copy;
}
const dropped = Object.keys(packages).length - Object.keys(pruned).length;
writeFileSync(join(prod, "package-lock.json"), `${JSON.stringify({ ...lock, packages: pruned }, null, 2)}\n`);
console.log(`production-tree: the lockfile keeps ${Object.keys(pruned).length} entries and drops ${dropped}`);
writeFileSync(join(out, "prod-workspaces.txt"), `${needed.map((name) => folders.get(name)).join("\n")}\n`);
console.log(`production-tree: ${app} runs ${needed.join(", ")}`);
