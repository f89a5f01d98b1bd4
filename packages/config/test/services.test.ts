import { describe, expect, it } from "vitest";
import {
  defaultLadderConfig,
  encoderServiceConfig,
  gatewayServiceEnv,
  ladderConfigFromEnv,
  loadConfig,
  probeServiceConfig,
  uploaderServiceConfig,
} from "../src/index.js";
import { z } from "zod";
import { AqError } from "@aq/contracts";

const storage = { S3_ACCESS_KEY_ID: "id", S3_SECRET_ACCESS_KEY: "secret" };

describe("a service's configuration", () => {
  it("is parsed once into typed settings, the ladder included", () => {
    const config = loadConfig(encoderServiceConfig, {
      ...storage,
      LADDER_ENABLE_1080P: "yes",
      X264_PRESET: "veryfast",
      PROBE_TIMEOUT_SECONDS: "7",
      ENCODER_CONCURRENCY: "3",
    });
    expect(config.ENCODER_CONCURRENCY).toBe(3);
    expect(config.ladder).toEqual({ ...defaultLadderConfig, enable1080p: true, x264Preset: "veryfast", probeTimeoutSeconds: 7 });
  });

  it("gives the probe service its ladder and source limits", () => {
    const config = loadConfig(probeServiceConfig, { ...storage, PROBE_TIMEOUT_SECONDS: "9", MAX_SOURCE_BYTES: "1000" });
    expect([config.ladder.probeTimeoutSeconds, config.MAX_SOURCE_BYTES, config.HEALTH_PORT]).toEqual([9, 1000, 8081]);
  });

  it("does not read ladder variables in the uploader, which never uses them", () => {
    expect(loadConfig(uploaderServiceConfig, { ...storage, X264_PRESET: "not-a-preset" }).ladder).toEqual(defaultLadderConfig);
  });

  it("uses one name for the stuck threshold in the gateway and the pipeline services", () => {
    expect(
      loadConfig(z.object(gatewayServiceEnv), { ...storage, PLAYBACK_SIGNING_KEYS: "k", STUCK_AFTER_SECONDS: "5" }).STUCK_AFTER_SECONDS,
    ).toBe(5);
    expect(loadConfig(probeServiceConfig, { ...storage, STUCK_AFTER_SECONDS: "6" }).STUCK_AFTER_SECONDS).toBe(6);
    expect(Object.keys(gatewayServiceEnv)).not.toContain("RETRY_STUCK_AFTER_SECONDS");
  });

  it("names every missing or invalid variable, never a value", () => {
    expect(() => loadConfig(encoderServiceConfig, { S3_SECRET_ACCESS_KEY: "hunter2-secret", X264_PRESET: "turbo" })).toThrow(
      /^configuration: S3_ACCESS_KEY_ID is required; X264_PRESET is invalid: .*$/,
    );
    const error = (() => {
      try {
        return loadConfig(encoderServiceConfig, { S3_SECRET_ACCESS_KEY: "hunter2-secret", S3_ACCESS_KEY_ID: "" });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(AqError);
    expect(`${(error as AqError).message} ${JSON.stringify(error)}`).not.toContain("hunter2");
  });
});

describe("ladderConfigFromEnv (aq encode, the bench)", () => {
  it("reads the ladder variables", () => {
    expect(ladderConfigFromEnv({ LADDER_ENABLE_1080P: "true", X264_PRESET: "veryfast", ENCODE_THREADS: "2" })).toMatchObject({
      enable1080p: true,
      allowSmallerSources: false,
      x264Preset: "veryfast",
      encodeThreads: 2,
    });
    expect(defaultLadderConfig).toMatchObject({
      enable1080p: false,
      allowSmallerSources: false,
      x264Preset: "medium",
      minDurationSeconds: 5,
      probeTimeoutSeconds: 60,
    });
  });

  it("names invalid variables", () => {
    expect(() => ladderConfigFromEnv({ X264_PRESET: "turbo" })).toThrow(/X264_PRESET is invalid/);
  });
});
