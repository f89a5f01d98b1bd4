import { startStack, type RunningStack } from "../stack.js";
import { stopOnSignal } from "./shutdown.js";
import { stackSummary } from "./summary.js";

const log = (line: string) => process.stdout.write(`[aq] ${line}\n`);

// `npm run dev`: the stack without a sample video, until Ctrl-C.
let stack: RunningStack | undefined;
stopOnSignal(async () => stack?.stop(), log);
try {
  stack = await startStack({ web: process.argv.includes("--no-web") ? false : "auto" });
  log(`AQ stack is up:\n${stackSummary(stack)}\n[aq] Ctrl-C stops it.`);
} catch (error) {
  log(`the stack could not start: ${(error as Error).message}`);
  process.exit(1);
}
