import { videoProgressEventStream } from "@/lib/gateway/progress-stream";

export const dynamic = "force-dynamic";

/** Server-Sent Events relaying the gateway's videoProgress subscription (see progress-stream.ts). */
export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  return new Response(videoProgressEventStream(id, request.signal), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform keeps Next's gzip (and proxies) from buffering the stream.
      "cache-control": "no-cache, no-transform",
      "x-accel-buffering": "no",
    },
  });
}
