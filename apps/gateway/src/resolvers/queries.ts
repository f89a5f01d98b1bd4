import { AqError } from "@aq/contracts";
import { defaultLadderConfig } from "@aq/config";
import { ACCEPTED_CONTAINERS, minimumShortSide } from "@aq/media";
import { largestUploadBytes } from "@aq/pipeline";
import { getVideo, listVideos } from "@aq/platform/db";
import type { QueryResolvers } from "../generated/resolvers.js";
import { decodeCursor, encodeCursor } from "../graphql/cursor.js";
import { videoIdArg } from "../graphql/ids.js";

/** The most videos one page returns; the cost rule counts a page asked for with a variable as this. */
export const MAX_PAGE_SIZE = 100;

export const video: QueryResolvers["video"] = (_parent, args, { runtime }) => getVideo(runtime.db, videoIdArg(args.id));

export const videos: QueryResolvers["videos"] = async (_parent, args, { runtime }) => {
  const first = args.first ?? 20;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE)
    throw new AqError("INVALID_INPUT", `first must be between 1 and ${MAX_PAGE_SIZE}, got ${first}`);
  const after = args.after ? decodeCursor(args.after) : undefined;
  // One row more than asked tells whether there is a next page.
  // Deleted videos are history, not library: listed only when asked for by status.
  const status = args.status ?? undefined;
  const rows = await listVideos(runtime.db, { status, exceptStatus: status ? undefined : "deleted", first: first + 1, after });
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ cursor: encodeCursor(row), node: row }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
};

/** The probe's limits as this deployment configures them (the gateway reads the same variables). */
export const uploadRules: QueryResolvers["uploadRules"] = (_parent, _args, { runtime }) => {
  const { config } = runtime;
  return {
    minDurationSeconds: config.SOURCE_MIN_DURATION_SECONDS,
    maxDurationSeconds: config.SOURCE_MAX_DURATION_SECONDS,
    minShortSide: minimumShortSide({ ...defaultLadderConfig, allowSmallerSources: config.LADDER_ALLOW_SMALLER_SOURCES }),
    maxLongSide: config.SOURCE_MAX_DIMENSION,
    maxUploadBytes: largestUploadBytes(config.MAX_SOURCE_BYTES),
    containers: [...ACCEPTED_CONTAINERS],
  };
};
