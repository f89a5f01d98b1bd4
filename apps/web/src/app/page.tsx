import type { Metadata } from "next";
import Link from "next/link";
import { toApiStatus, VIDEO_STATUSES } from "@aq/contracts";
import { GatewayError } from "@/lib/gateway/errors";
import { listVideos, type LibraryPage } from "@/lib/gateway/videos";
import { isTerminal, type VideoStatus } from "@/lib/videos";
import { AutoRefresh } from "./_components/auto-refresh";
import { GatewayProblem } from "./_components/gateway-problem";
import { statusLabel } from "./_components/status-badge";
import { VideoCard } from "./_components/video-card";

// Every request reads the gateway: the library is never prerendered at build time.
export const dynamic = "force-dynamic";

// The layout's title template applies to child segments only, not to a page beside it.
export const metadata: Metadata = { title: { absolute: "Library · AQ" } };

const PAGE_SIZE = 24;
const STATUS_FILTERS = VIDEO_STATUSES.map(toApiStatus);

function statusParam(value: string | string[] | undefined): VideoStatus | undefined {
  return STATUS_FILTERS.find((status) => status === value);
}

export default async function LibraryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const status = statusParam(params.status);
  const after = typeof params.after === "string" && params.after ? params.after : undefined;
  let page: LibraryPage;
  try {
    page = await listVideos({ status, first: PAGE_SIZE, after });
  } catch (error) {
    if (error instanceof GatewayError) return <GatewayProblem failure={error.toFailure()} />;
    throw error;
  }
  const videos = page.edges.map((edge) => edge.node);
  const query = (extra: Record<string, string>) => `/?${new URLSearchParams({ ...(status ? { status } : {}), ...extra })}`;

  return (
    <>
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>Library</h1>
        {/* A plain GET form: filtering works before any script has loaded. */}
        <form method="get" action="/">
          <label>
            Status
            <select name="status" defaultValue={status ?? ""}>
              <option value="">All (not deleted)</option>
              {STATUS_FILTERS.map((value) => (
                <option key={value} value={value}>
                  {statusLabel(value)}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Filter</button>
        </form>
      </div>
      {videos.length === 0 ? (
        <p>
          {status ? `No ${statusLabel(status)} videos${after ? " on this page" : ""}.` : "No videos yet."}{" "}
          <Link href="/upload">Upload one</Link>.
        </p>
      ) : (
        <ul className="video-grid" aria-label="Videos">
          {videos.map((video) => (
            <VideoCard key={video.id} video={video} />
          ))}
        </ul>
      )}
      <nav className="pager" aria-label="Pages">
        {after ? <Link href={query({})}>Newest videos</Link> : <span />}
        {page.pageInfo.hasNextPage && page.pageInfo.endCursor && (
          <Link href={query({ after: page.pageInfo.endCursor })} rel="next">
            Older videos
          </Link>
        )}
      </nav>
      <AutoRefresh active={videos.some((video) => !isTerminal(video.status) && video.status !== "AWAITING_UPLOAD")} />
    </>
  );
}
