// A tiny service for run-service.test.ts, configured through the environment:
// TOY_READY_FILE: ready() is true while this file exists; TOY_STOP_MS: how long stop() takes;
// TOY_START_MS: how long start() takes; TOY_FAIL_START: start() throws.
import { existsSync } from "node:fs";
import { pino } from "pino";
import { sleep } from "@aq/platform/service";
import { runService } from "@aq/platform/service";

const log = pino({ base: { service: "toy" } });
const env = process.env;

await runService({
  name: "toy",
  healthPort: 0,
  log,
  shutdownTimeoutMs: Number(env.TOY_SHUTDOWN_TIMEOUT_MS ?? 5000),
  start: async ({ signal }) => {
    signal.addEventListener("abort", () => log.info("toy: abort signal seen"));
    await sleep(Number(env.TOY_START_MS ?? 0), signal);
    if (env.TOY_FAIL_START) throw new Error("toy: cannot reach its database");
    return {
      ready: () => existsSync(env.TOY_READY_FILE ?? "/nonexistent"),
      stop: async () => {
        log.info("toy: stop called");
        await new Promise((resolve) => setTimeout(resolve, Number(env.TOY_STOP_MS ?? 0)));
        log.info("toy: stop finished");
      },
    };
  },
});
