import { AqError } from "@aq/contracts";
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
  const rows = await listVideos(runtime.db, { status: args.status ?? undefined, first: first + 1, after });
  const page = rows.slice(0, first);
  const edges = page.map((row) => ({ cursor: encodeCursor(row), node: row }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
};
