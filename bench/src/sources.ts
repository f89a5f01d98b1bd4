import { mkdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { makeTestClip } from "@aq/devkit";
import type { SourceDescription } from "./results.js";

export interface SourceSpec {
  id: string;
  width: number;
  height: number;
  fps: number;
  seconds: number;
  /** makeTestClip's grain (0-100); 0 leaves testsrc2's flat synthetic picture. */
  noise: number;
}

export interface Source {
  path: string;
  spec: SourceSpec;
  description: SourceDescription;
}

function describe(spec: SourceSpec): string {
  const picture =
    spec.noise > 0
      ? `moving test pattern with temporal grain (noise ${spec.noise}): camera-like detail in every frame`
      : "moving test pattern without grain: flat synthetic graphics, little changes between frames";
  return `${spec.width}x${spec.height} ${spec.fps} fps ${spec.seconds} s, ${picture}, stereo tone`;
}

/**
 * Generated sources, kept in `dir` between runs under a name that encodes their parameters
 * (makeTestClip: lavfi testsrc2 + tones, libx264 ultrafast).
 */
export function sourceCache(dir: string) {
  const pending = new Map<string, Promise<Source>>();
  async function make(spec: SourceSpec): Promise<Source> {
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${spec.id}-${spec.width}x${spec.height}-${spec.fps}fps-${spec.seconds}s-noise${spec.noise}.mp4`);
    let size = (await stat(path).catch(() => null))?.size;
    if (!size) {
      const partial = `${path}.partial.mp4`;
      try {
        await makeTestClip(partial, { seconds: spec.seconds, width: spec.width, height: spec.height, fps: spec.fps, noise: spec.noise });
        await rename(partial, path);
      } catch (error) {
        await rm(partial, { force: true });
        throw error;
      }
      size = (await stat(path)).size;
    }
    return {
      path,
      spec,
      description: {
        id: spec.id,
        description: describe(spec),
        width: spec.width,
        height: spec.height,
        fps: spec.fps,
        seconds: spec.seconds,
        bytes: size,
        bitrateKbps: Math.round((size * 8) / spec.seconds / 1000),
      },
    };
  }
  return {
    get(spec: SourceSpec): Promise<Source> {
      const key = JSON.stringify(spec);
      let source = pending.get(key);
      if (!source) {
        source = make(spec);
        pending.set(key, source);
        source.catch(() => pending.delete(key));
      }
      return source;
    },
  };
}
export type SourceCache = ReturnType<typeof sourceCache>;
