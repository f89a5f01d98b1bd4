import { parseBenchArgs, USAGE, type BenchOptions } from "./options.js";
import { SECTION_IDS } from "./results.js";
import { reportFromFiles, runBench } from "./run-bench.js";

async function main(): Promise<number> {
  // The AWS SDK warns on every client about Node 20 support ending; the stack silences it the same way.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  let options: BenchOptions | "help";
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { results } = options.reportFrom ? await reportFromFiles(options, options.reportFrom) : await runBench(options);
  const failed = SECTION_IDS.filter((id) => results.sections[id].status === "failed");
  if (failed.length) process.stderr.write(`failed sections: ${failed.join(", ")}\n`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
