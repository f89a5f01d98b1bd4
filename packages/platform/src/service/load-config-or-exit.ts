import type { z } from "zod";
import { loadConfig } from "@aq/config";
import { toErrorValue } from "@aq/contracts";
import { createLogger } from "../log/index.js";

/**
 * A service's configuration, or one fatal log line naming every missing or invalid variable
 * and exit code 1: a misconfigured service must not start, and a stack trace tells an operator
 * nothing more.
 */
export function loadConfigOrExit<S extends z.ZodType>(
  service: string,
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.output<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    createLogger(service).fatal({ err: toErrorValue(error) }, "invalid configuration");
    process.exit(1);
  }
}
