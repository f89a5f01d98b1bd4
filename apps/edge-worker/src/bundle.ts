import { build, type BuildOptions } from "esbuild";

/**
 * One ES module for the Workers runtime, with @aq/platform and @aq/contracts taken from its TypeScript sources
 * (the "source" condition), so the worker runs exactly the token code the gateway runs.
 */
export function workerBuildOptions(outfile: string): BuildOptions {
  return {
    entryPoints: [new URL("./worker.ts", import.meta.url).pathname],
    outfile,
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["source", "worker", "import"],
    mainFields: ["module", "main"],
    minify: true,
    sourcemap: false,
    logLevel: "warning",
  };
}

export async function bundleWorker(outfile: string): Promise<void> {
  await build(workerBuildOptions(outfile));
}
