import type { GraphQLResolveInfo } from "graphql";
import { describe, expect, it } from "vitest";
import type { GatewayContext } from "../src/graphql/context.js";
import { publicErrorMessage } from "../src/graphql/public-error.js";
import { Video } from "../src/resolvers/video-fields.js";

const STORED = [
  "ffmpeg exited with code 1: /var/lib/aq/work/01JD8X/attempt-2/720p/seg_%05d.ts: No space left on device",
  "[out#0/hls @ 0x55d] Error opening output /var/lib/aq/work/01JD8X/attempt-2/720p/seg_00004.ts",
  "frame=  412 fps= 61 q=28.0 size=N/A time=00:00:13.70",
].join("\n");

describe("errors as clients see them", () => {
  it("keep the first line, with local paths cut to their file name", () => {
    expect(publicErrorMessage(STORED)).toBe("ffmpeg exited with code 1: seg_%05d.ts: No space left on device");
  });

  it("leave a message without paths or log lines as it is", () => {
    expect(publicErrorMessage("source is 3.0 s long; AQ needs more than 5 s")).toBe("source is 3.0 s long; AQ needs more than 5 s");
    expect(publicErrorMessage("sourceUrl http://example.com/a/b.mp4 answered 404")).toBe(
      "sourceUrl http://example.com/a/b.mp4 answered 404",
    );
  });

  it("are what Video.error answers", async () => {
    const error = Video.error as (row: unknown, args: object, context: GatewayContext, info: GraphQLResolveInfo) => unknown;
    const row = { errorCode: "ENCODE_FAILED", errorMessage: STORED };
    expect(await error(row, {}, {} as GatewayContext, {} as GraphQLResolveInfo)).toEqual({
      code: "ENCODE_FAILED",
      message: "ffmpeg exited with code 1: seg_%05d.ts: No space left on device",
    });
  });
});
