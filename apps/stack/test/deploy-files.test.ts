import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { repoRoot } from "../src/paths.js";
import { copiesOf, execForm, lastValue, lineage, parseDockerfile, type DockerStage } from "./dockerfile.js";

// Static checks of the deployment files. Building the images and running the compose file take
// minutes and gigabytes, so `npm test` leaves that to `npm run test:compose`
// (scripts/compose-test/run.sh; docs/deployment.md, "Deploying with Docker Compose").
const run = promisify(execFile);
const APPS = ["gateway", "probe-service", "encoder-service", "uploader-service", "webhook-service"] as const;
/** The webhook service reads no bucket, so it is not given the bucket's credentials. */
const BUCKET_APPS = APPS.filter((app) => app !== "webhook-service");
const FFMPEG_APPS = ["probe-service", "encoder-service"];
/** The workspace packages every service runs on; @aq/devkit (test servers) is never one of them. */
const RUNTIME_PACKAGES = ["contracts", "config", "media", "platform", "pipeline"] as const;
/** The variables compose requires (`${VAR:?}`): the secrets, which have no default. */
const SECRETS = [
  "API_KEYS",
  "PLAYBACK_SIGNING_KEYS",
  "WEBHOOK_SECRETS_KEY",
  "POSTGRES_PASSWORD",
  "S3_ACCESS_KEY_ID",
  "S3_SECRET_ACCESS_KEY",
];
/** The runtime workspaces an app reaches through `dependencies`: its image holds their dist, its prune their sources. */
function runtimePackagesOf(app: string): string[] {
  const reached = new Set<string>();
  const visit = (dir: string) => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      const short = name.replace(/^@aq\//, "");
      if (name.startsWith("@aq/") && (RUNTIME_PACKAGES as readonly string[]).includes(short) && !reached.has(short)) {
        reached.add(short);
        visit(`packages/${short}`);
      }
    }
  };
  visit(`apps/${app}`);
  return RUNTIME_PACKAGES.filter((pkg) => reached.has(pkg));
}
const secretsEnv = Object.fromEntries(SECRETS.map((name) => [name, `test-value-of-${name.toLowerCase()}`]));
const composeText = readFileSync(join(repoRoot, "docker-compose.yml"), "utf8");

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string; args?: Record<string, string> };
  command?: string[];
  environment?: Record<string, string | null>;
  volumes?: string[];
  ports?: string[];
  container_name?: string;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: unknown;
}
const compose = parseYaml(composeText, { merge: true }) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};
const dockerfileText = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
const stages = parseDockerfile(dockerfileText);
const stage = (name: string) => {
  const found = stages.find((s) => s.name === name);
  if (!found) throw new Error(`the Dockerfile has no stage ${name}`);
  return found;
};
const dockerignore = readFileSync(join(repoRoot, ".dockerignore"), "utf8")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"));

const temps: string[] = [];
afterAll(async () => {
  await Promise.all(temps.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("docker-compose.yml", () => {
  it("passes docker-compose's own validation (offline)", async () => {
    // Installed by scripts/install-system-deps.sh (Debian's docker-compose validates without a Docker engine).
    const { stderr } = await run("docker-compose", ["-f", join(repoRoot, "docker-compose.yml"), "config", "-q"], {
      cwd: repoRoot,
      env: { ...process.env, ...secretsEnv },
    }).catch((error: Error & { stderr?: string; code?: string }) => {
      if (error.code === "ENOENT") throw new Error("docker-compose is not installed: run scripts/install-system-deps.sh");
      throw new Error(`docker-compose config rejected the file: ${error.stderr ?? error.message}`);
    });
    expect(stderr.trim()).toBe("");
  });

  it("requires every secret (no default to forget), and says which one is missing", async () => {
    for (const name of SECRETS) {
      expect(composeText, `${name} is required`).toMatch(new RegExp(`\\$\\{${name}:\\?`));
      expect(composeText, `${name} has no default`).not.toMatch(new RegExp(`\\$\\{${name}:?-`));
    }
    const env: Record<string, string | undefined> = { ...process.env, ...secretsEnv };
    delete env.PLAYBACK_SIGNING_KEYS;
    const failure = await run("docker-compose", ["-f", join(repoRoot, "docker-compose.yml"), "config", "-q"], { cwd: repoRoot, env }).then(
      () => "",
      (error: { stderr?: string }) => error.stderr ?? "failed",
    );
    expect(failure).toMatch(/PLAYBACK_SIGNING_KEYS/);
  });

  it("publishes ports on 127.0.0.1 unless PUBLISH_ADDRESS says otherwise", () => {
    const published = Object.entries(compose.services).flatMap(([name, service]) =>
      (service.ports ?? []).map((port) => [name, port] as const),
    );
    expect(published.map(([name]) => name).sort()).toEqual(["gateway", "minio"]);
    for (const [name, port] of published) expect(port, name).toMatch(/^\$\{PUBLISH_ADDRESS:-127\.0\.0\.1\}:/);
  });

  it("has the infrastructure and every app, each built from its own Dockerfile target", () => {
    const services = compose.services;
    expect(Object.keys(services)).toEqual(expect.arrayContaining(["postgres", "nats", "minio", "minio-setup", ...APPS]));
    for (const app of APPS) {
      const build = services[app]?.build;
      expect(build?.target, app).toBe(app);
      expect(build?.args?.APP, `${app}: build arg APP must match the target`).toBe(app);
      expect(stages.some((s) => s.name === app)).toBe(true);
    }
    for (const [name, service] of Object.entries(services)) {
      if (service.build?.target)
        expect(
          stages.some((s) => s.name === service.build?.target),
          `${name}'s target`,
        ).toBe(true);
    }
  });

  it("runs only compiled entry points that have a source in the repository", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const arg of service.command ?? []) {
        const compiled = /^\/app\/(.+)\/dist\/(.+)\.js$/.exec(arg);
        if (compiled) expect(existsSync(join(repoRoot, compiled[1] as string, "src", `${compiled[2]}.ts`)), `${name}: ${arg}`).toBe(true);
      }
    }
    expect(compose.services.migrate?.command?.join(" ")).toMatch(/migrate-cli\.js$/);
  });

  it("runs NATS with JetStream on a volume, and the bucket setup as a one-shot", () => {
    const nats = compose.services.nats as ComposeService;
    expect(nats.command).toContain("-js");
    const storeFlag = nats.command?.indexOf("-sd") ?? -1;
    const store = nats.command?.[storeFlag + 1];
    expect(store, "nats -sd").toBeTruthy();
    expect(nats.volumes?.some((v) => v.endsWith(`:${store}`) && (v.split(":")[0] as string) in compose.volumes)).toBe(true);
    expect(compose.services["minio-setup"]?.command?.join(" ")).toMatch(/mc mb/);
  });

  it("orders start-up with health checks: every dependency has a condition that its target can meet", () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = compose.services[dependency];
        expect(target, `${name} depends on ${dependency}`).toBeDefined();
        expect(["service_healthy", "service_completed_successfully"], `${name} -> ${dependency}`).toContain(condition);
        if (condition === "service_healthy") expect(target?.healthcheck, `${dependency} needs a healthcheck`).toBeDefined();
      }
    }
    for (const name of ["postgres", "nats", "minio", ...APPS]) expect(compose.services[name]?.healthcheck, name).toBeDefined();
    for (const app of APPS)
      expect(Object.keys(compose.services[app]?.depends_on ?? {}), app).toEqual(expect.arrayContaining(["nats", "migrate"]));
  });

  it("lets encoder-service scale: no container name, no published port, and no disk shared with the uploader or another replica", () => {
    const encoder = compose.services["encoder-service"] as ComposeService;
    const uploader = compose.services["uploader-service"] as ComposeService;
    expect(encoder.container_name).toBeUndefined();
    expect(encoder.ports).toBeUndefined();
    for (const [name, service] of [
      ["encoder-service", encoder],
      ["uploader-service", uploader],
    ] as const) {
      const workDir = service.environment?.WORK_DIR;
      expect(workDir, `${name} WORK_DIR`).toBeTruthy();
      // An anonymous volume ("/data/work", no source): every container, every replica, gets its own.
      expect(service.volumes, `${name} mounts its own scratch`).toEqual([workDir]);
    }
    expect(Object.keys(compose.volumes)).not.toContain("work");
  });

  it("configures the apps through environment variables only", () => {
    for (const app of APPS) {
      const service = compose.services[app] as ComposeService & Record<string, unknown>;
      expect(service.env_file, app).toBeUndefined();
      expect(service.configs, app).toBeUndefined();
      const keys = [
        "DATABASE_URL",
        "NATS_URL",
        ...((BUCKET_APPS as readonly string[]).includes(app)
          ? ["S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]
          : []),
      ];
      for (const key of keys) expect(service.environment?.[key], `${app} ${key}`).toBeTruthy();
    }
  });
});

describe("Dockerfile", () => {
  it("copies only sources that exist in the build context and stages defined before", () => {
    const ignored = (path: string) =>
      dockerignore.some((pattern) => {
        const bare = pattern.replace(/^\*\*\//, "");
        return path === bare || path.startsWith(`${bare}/`) || path.split("/").includes(bare);
      });
    stages.forEach((current, index) => {
      for (const copy of copiesOf(current)) {
        if (copy.from) {
          const earlier = stages.slice(0, index).some((s) => s.name === copy.from);
          expect(earlier, `line ${copy.line}: --from=${copy.from} names an earlier stage`).toBe(true);
          continue;
        }
        for (const source of copy.sources) {
          const path = source === "." ? "" : source.replace(/^\.\//, "").replace(/\/$/, "");
          expect(existsSync(join(repoRoot, path)), `line ${copy.line}: COPY ${source} exists`).toBe(true);
          if (path) expect(ignored(path), `line ${copy.line}: COPY ${source} is not in .dockerignore`).toBe(false);
        }
      }
    });
  });

  it("keeps the dev-only devkit (s3rver, PGlite) out of every runtime dependency list: a devDependency of any workspace", () => {
    const manifests = [...APPS.map((app) => `apps/${app}`), ...RUNTIME_PACKAGES.map((pkg) => `packages/${pkg}`)];
    for (const dir of manifests) {
      const pkg = JSON.parse(readFileSync(join(repoRoot, dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
      for (const name of ["@aq/devkit", "s3rver", "@electric-sql/pglite"]) {
        expect(Object.keys(pkg.dependencies ?? {}), `${dir} depends on ${name}`).not.toContain(name);
      }
    }
    // Every workspace, the dev-only ones (the stack, the bench, tests/*) included.
    const root = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { workspaces: string[] };
    const workspaces = root.workspaces.flatMap((pattern) =>
      pattern.endsWith("/*")
        ? readdirSync(join(repoRoot, pattern.slice(0, -2))).map((name) => `${pattern.slice(0, -2)}/${name}`)
        : [pattern],
    );
    const devkitUsers = workspaces.filter((dir) => {
      const path = join(repoRoot, dir, "package.json");
      if (!existsSync(path)) return false;
      const pkg = JSON.parse(readFileSync(path, "utf8")) as {
        dependencies?: Record<string, string>;
        devDependencies?: Record<string, string>;
      };
      expect(Object.keys(pkg.dependencies ?? {}), `${dir}: @aq/devkit only ever as a devDependency`).not.toContain("@aq/devkit");
      return "@aq/devkit" in (pkg.devDependencies ?? {});
    });
    expect(devkitUsers).toEqual(expect.arrayContaining(["apps/stack", "bench", "tests/pipeline", "tests/platform"]));
  });

  it("gives every app a target that runs its built entry point as a non-root user, with ffmpeg where needed", () => {
    for (const app of APPS) {
      const chain = lineage(stages, stage(app));
      expect(lastValue(chain, "USER"), `${app} USER`).toBe("node");
      expect(lastValue(chain, "WORKDIR"), `${app} WORKDIR`).toBe(`/app/apps/${app}`);
      const cmd = execForm(chain, "CMD");
      const pkg = JSON.parse(readFileSync(join(repoRoot, "apps", app, "package.json"), "utf8")) as { scripts: { start?: string } };
      expect(cmd?.join(" "), `${app} CMD is its start script`).toBe(pkg.scripts.start);
      expect(cmd?.[1]).toBe("dist/main.js");
      const copied = copiesOf(stage(app)).flatMap((c) => c.sources);
      expect(copied, `${app} copies its dist`).toContain(`/repo/apps/${app}/dist`);
      for (const pkg of runtimePackagesOf(app)) expect(copied, `${app} copies ${pkg}'s dist`).toContain(`/repo/packages/${pkg}/dist`);
      const installsFfmpeg = chain.some((s) =>
        s.instructions.some((i) => i.keyword === "RUN" && /apt-get install[^&]*\bffmpeg\b/.test(i.args)),
      );
      expect(installsFfmpeg, `${app} has ffmpeg`).toBe(FFMPEG_APPS.includes(app));
    }
  });

  it("finds in each app's turbo prune output every file the build stage needs", async () => {
    for (const app of APPS) {
      const out = await mkdtemp(join(tmpdir(), `aq-prune-${app}-`));
      temps.push(out);
      await run("npx", ["turbo", "prune", `@aq/${app}`, "--docker", "--out-dir", out], { cwd: repoRoot });
      for (const path of [
        "json/package.json",
        "json/package-lock.json",
        `json/apps/${app}/package.json`,
        ...runtimePackagesOf(app).map((pkg) => `json/packages/${pkg}/package.json`),
      ]) {
        expect(existsSync(join(out, path)), `${app}: ${path}`).toBe(true);
      }
      for (const path of [
        `full/apps/${app}/src/main.ts`,
        `full/apps/${app}/tsconfig.build.json`,
        ...runtimePackagesOf(app).map((pkg) => `full/packages/${pkg}/tsconfig.build.json`),
        // platform's build copies the SQL migrations next to the compiled migrator.
        "full/packages/platform/scripts/copy-migrations.mjs",
        "full/packages/platform/src/db/migrations",
        "full/turbo.json",
      ]) {
        expect(existsSync(join(out, path)), `${app}: ${path}`).toBe(true);
      }
      // The pruned tree leaves out root files; the build stage copies the tsconfig base itself.
      const buildCopies = copiesOf(stage("build")).flatMap((c) => c.sources);
      expect(buildCopies).toContain("tsconfig.base.json");
      const finalCopies = copiesOf(stage(app))
        .filter((c) => c.from === "build")
        .flatMap((c) => c.sources);
      for (const source of finalCopies.filter((s) => !s.endsWith("/dist"))) {
        expect(existsSync(join(out, "full", source.replace(/^\/repo\//, ""))), `${app}: ${source} is in the pruned sources`).toBe(true);
      }

      // The production install (deps stage) sees the workspaces the app runs and no more: not
      // devkit, which the prune keeps for the build (a devDependency) and whose dependencies
      // `npm ci --omit=dev` would install. The image copies the dist of exactly those workspaces.
      await run(process.execPath, [join(repoRoot, "scripts", "docker", "production-tree.mjs"), out, `@aq/${app}`]);
      const workspaces = readFileSync(join(out, "prod-workspaces.txt"), "utf8").trim().split("\n");
      expect(workspaces[0]).toBe(`apps/${app}`);
      expect([...workspaces].sort(), app).toEqual([`apps/${app}`, ...runtimePackagesOf(app).map((pkg) => `packages/${pkg}`)].sort());
      expect(existsSync(join(out, "json", "packages", "devkit")), `${app}: the prune keeps devkit for the build`).toBe(true);
      expect(existsSync(join(out, "prod", "packages", "devkit")), `${app}: the production tree leaves devkit out`).toBe(false);
      for (const dir of [".", ...workspaces]) {
        const manifest = JSON.parse(readFileSync(join(out, "prod", dir, "package.json"), "utf8")) as { devDependencies?: unknown };
        expect(manifest.devDependencies, `${app}: ${dir}/package.json in the production tree`).toBeUndefined();
      }
      const prodLock = JSON.parse(readFileSync(join(out, "prod", "package-lock.json"), "utf8")) as { packages: Record<string, unknown> };
      for (const name of ["@aq/devkit", "s3rver", "@electric-sql/pglite", "vitest", "typescript", "turbo"]) {
        expect(
          Object.keys(prodLock.packages).filter((path) => path.endsWith(`node_modules/${name}`)),
          `${app}: ${name} in the production lockfile`,
        ).toEqual([]);
      }
      const copiedDists = finalCopies.filter((s) => s.endsWith("/dist")).map((s) => s.replace(/^\/repo\//, "").replace(/\/dist$/, ""));
      expect([...copiedDists].sort(), `${app}: the dist copied into the image`).toEqual([...workspaces].sort());
    }
    expect(copiesOf(stage("deps")).map((c) => `${c.from}:${c.sources.join(" ")}`)).toEqual(["prune:/pruned/prod/"]);
  });

  it("takes its base image as a build argument, the official Node.js 20 image by default, with no registry needed for its frontend", () => {
    expect(dockerfileText).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim$/m);
    expect(dockerfileText.indexOf("ARG NODE_IMAGE")).toBeLessThan(dockerfileText.indexOf("FROM "));
    // Every stage starts from NODE_IMAGE or from an earlier stage.
    for (const current of stages) {
      if (current.base !== "${NODE_IMAGE}")
        expect(
          stages.some((s) => s.name === current.base),
          `FROM ${current.base}`,
        ).toBe(true);
    }
    // A `# syntax=` line makes BuildKit pull a frontend image from a registry before anything else.
    expect(dockerfileText).not.toMatch(/^#\s*syntax\s*=/m);
  });

  it("builds every app to the dist its start command runs, and every module it imports resolves", async () => {
    await run("npx", ["turbo", "run", "build", ...APPS.map((app) => `--filter=@aq/${app}`)], {
      cwd: repoRoot,
      maxBuffer: 20 * 1024 * 1024,
    });
    for (const app of APPS) {
      const cwd = join(repoRoot, "apps", app);
      expect(existsSync(join(cwd, "dist", "main.js")), `${app}/dist/main.js`).toBe(true);
      // Without configuration the app must stop at its config check, which runs after every
      // import has been linked: a missing module fails earlier, with ERR_MODULE_NOT_FOUND.
      const result = await run(process.execPath, ["dist/main.js"], {
        cwd,
        env: { PATH: process.env.PATH, NODE_ENV: "production" },
        timeout: 30_000,
      }).then(
        () => ({ ok: true, output: "" }),
        (error: { stdout?: string; stderr?: string }) => ({ ok: false, output: `${error.stdout ?? ""}${error.stderr ?? ""}` }),
      );
      expect(result.ok, `${app} must refuse to start without configuration`).toBe(false);
      expect(result.output, app).not.toMatch(/ERR_MODULE_NOT_FOUND|Cannot find module|ERR_PACKAGE_PATH_NOT_EXPORTED/);
      expect(result.output, app).toMatch(/INVALID_CONFIG|is required/);
    }
  });
});

describe("the parser behind these checks", () => {
  it("reads stages, continuations, COPY flags and exec forms", () => {
    const parsed = parseDockerfile(
      [
        "FROM node:22 AS base",
        "# comment",
        "RUN a \\",
        "  && b",
        "FROM base AS app",
        "COPY --from=base --chown=node:node /x /y",
        'CMD ["node", "dist/main.js"]',
        "USER node",
      ].join("\n"),
    );
    expect(parsed.map((s: DockerStage) => s.name)).toEqual(["base", "app"]);
    expect(parsed[0]?.instructions[0]?.args).toBe("a && b");
    expect(copiesOf(parsed[1] as DockerStage)).toEqual([{ from: "base", sources: ["/x"], destination: "/y", line: 6 }]);
    const chain = lineage(parsed, parsed[1] as DockerStage);
    expect(execForm(chain, "CMD")).toEqual(["node", "dist/main.js"]);
    expect(lastValue(chain, "USER")).toBe("node");
  });
});
