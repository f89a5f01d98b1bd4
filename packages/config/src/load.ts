import { z } from "zod";
import { AqError } from "@aq/contracts";

export type Env = Record<string, string | undefined>;

/**
 * Parses the environment against a schema whose keys are variable names (transforms may turn them
 * into typed settings), and fails with one error naming every missing or invalid variable (never
 * their values: some are secrets).
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: Env = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join(".");
    return env[name] === undefined ? `${name} is required` : `${name} is invalid: ${issue.message}`;
  });
  throw new AqError("INVALID_CONFIG", `configuration: ${problems.join("; ")}`, { problems });
}

/** "true"/"1"/"yes" and "false"/"0"/"no", as environment variables spell booleans. */
export function envBoolean(defaultValue: boolean) {
  return z
    .enum(["true", "false", "1", "0", "yes", "no", ""])
    .optional()
    .transform((value) => (value === undefined || value === "" ? defaultValue : ["true", "1", "yes"].includes(value)));
}

export function envInt(defaultValue: number, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return z.coerce.number().int().min(min).max(max).default(defaultValue);
}

/** A comma-separated list; empty entries are dropped. */
export function envList() {
  return z
    .string()
    .optional()
    .transform((value) =>
      (value ?? "")
        .split(",")
        .map((item) => item.trim())
        .filter(Boolean),
    );
}
