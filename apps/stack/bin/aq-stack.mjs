#!/usr/bin/env node
/* global process, console */
// Entry point of `npm run dev`, `npm run demo` and of `npm test`'s set-up (`setup-tests`, run as
// the root `pretest` script). Plain JavaScript with no dependencies on purpose: on a fresh clone
// it runs before node_modules exists. It installs what is missing (system programs through
// scripts/install-system-deps.sh, npm packages through npm install), then runs the TypeScript
// command through tsx.
import { spawnSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { watchParents } from "./parent-watch.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const [command, ...args] = process.argv.slice(2);
const commands = { dev: "dev.ts", demo: "demo.ts", "setup-tests": null };
if (!Object.hasOwn(commands, command ?? "")) {
  console.error(`usage: aq-stack.mjs ${Object.keys(commands).join("|")} [options]`);
  process.exit(2);
}

function onPath(program) {
  return spawnSync("sh", ["-c", `command -v ${program}`], { stdio: "ignore" }).status === 0;
}

function run(program, programArgs, env = process.env) {
  const result = spawnSync(program, programArgs, { cwd: root, stdio: "inherit", env });
  if (result.error) return `${program} could not be started: ${result.error.message}`;
  return result.status === 0 ? null : `${program} ${programArgs.join(" ")} exited with ${result.status ?? result.signal}`;
}

/** Runs the install script when a program is missing; returns its failure, if any. */
function installSystemDeps(programs, env) {
  const missing = programs.filter((program) => !onPath(program));
  if (missing.length === 0) return null;
  console.log(`[aq] missing: ${missing.join(", ")}; running scripts/install-system-deps.sh`);
  return run("bash", [join(root, "scripts", "install-system-deps.sh")], { ...process.env, ...env });
}

function installNodeModules() {
  if (existsSync(join(root, "node_modules", "tsx")) && existsSync(join(root, "node_modules", "@aq", "devkit"))) return;
  console.log("[aq] node_modules is missing; running npm install");
  const failure = run("npm", ["install", "--no-audit", "--no-fund"]);
  if (failure) {
    console.error(`[aq] ${failure}`);
    process.exit(1);
  }
}

if (command === "setup-tests") {
  // The tests need Chromium (browser playback) and docker-compose (compose file check) too.
  const chromium = onPath("chromium") || onPath("chromium-browser") ? [] : ["chromium"];
  const failure = installSystemDeps(["ffmpeg", "ffprobe", "nats-server", "docker-compose", ...chromium], {});
  // The tests that need a missing program say so themselves; the others still run.
  if (failure) console.error(`[aq] ${failure}; some tests will fail or skip for want of it`);
  installNodeModules();
  process.exit(0);
}

// The stack needs neither the browser nor docker-compose; nats-server only when no NATS is
// configured or answering (the stack says so then).
const failure = installSystemDeps(["ffmpeg", "ffprobe", "nats-server"], { AQ_SKIP_BROWSER: "1", AQ_SKIP_COMPOSE: "1" });
const stillMissing = ["ffmpeg", "ffprobe"].filter((program) => !onPath(program));
if (failure && stillMissing.length > 0) {
  console.error(
    `[aq] ${failure}. AQ needs ${stillMissing.join(" and ")}: install them (Debian/Ubuntu: apt-get install ffmpeg nats-server) and run this again.`,
  );
  process.exit(1);
}
installNodeModules();

// The stack must not outlive this process, however it ends: setpriv (util-linux) has the kernel
// send it SIGTERM when this process dies, even by SIGKILL, and the stack then stops in order. The
// stack's own children die with it the same way (packages/devkit/src/owned-process.ts).
const setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].find((path) => existsSync(path));
const stackArgs = ["--conditions=source", "--import", "tsx", join(root, "apps", "stack", "src", "cli", commands[command]), ...args];
const child = spawn(setpriv ?? process.execPath, setpriv ? ["--pdeathsig", "SIGTERM", "--", process.execPath, ...stackArgs] : stackArgs, {
  cwd: root,
  stdio: "inherit",
  env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", ...process.env },
});
// Under `npm run dev` nothing makes this process die with npm: when npm is killed (an IDE's stop
// button, a CI timeout) it notices within a second, through npm's `sh -c` (parent-watch.mjs), and
// then stops the stack.
watchParents(() => child.kill("SIGTERM"));
// A Ctrl-C in the terminal reaches both processes already: the command stops the stack and
// this one waits for it. Signals sent to this process alone are passed on.
process.on("SIGINT", () => {});
for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGINT" ? 130 : 1)));
