import { gatewayServiceEnv, loadConfig } from "@aq/config";
import { parsePlaybackKeys } from "@aq/platform/playback";
import { z } from "zod";
import { productionCredentialProblems } from "./production-credentials.js";

/** PLAYBACK_SIGNING_KEYS as the gateway reads it: refused at start unless every key parses. */
const playbackSigningKeys = gatewayServiceEnv.PLAYBACK_SIGNING_KEYS.superRefine((value, ctx) => {
  try {
    parsePlaybackKeys(value);
  } catch (error) {
    ctx.addIssue({ code: "custom", message: (error as Error).message });
  }
});

/** In production the gateway refuses to start open or with published credentials (see production-credentials.ts). */
export const gatewayConfigSchema = z
  .object({ ...gatewayServiceEnv, PLAYBACK_SIGNING_KEYS: playbackSigningKeys })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV !== "production") return;
    for (const { variable, message } of productionCredentialProblems(config)) ctx.addIssue({ code: "custom", path: [variable], message });
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env): GatewayConfig {
  return loadConfig(gatewayConfigSchema, env);
}
