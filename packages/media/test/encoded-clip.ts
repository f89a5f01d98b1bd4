import { join } from "node:path";
import { defaultLadderConfig } from "@aq/config";
import { encodeVideo, type EncodedVideo } from "../src/encode-video.js";

/** A source encoded quickly (superfast, small sources allowed) into `dir`/out/clip, for tests of what is made from the renditions. */
export function encodeClip(source: string, dir: string): Promise<EncodedVideo> {
  return encodeVideo({
    source,
    workDir: join(dir, "work"),
    outDir: join(dir, "out", "clip"),
    videoId: "clip",
    ladder: { ...defaultLadderConfig, allowSmallerSources: true, x264Preset: "superfast" },
  });
}
