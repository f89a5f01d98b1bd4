/** The URIs of a playlist (every line that is not a tag or blank). */
function uris(playlist: string): string[] {
  return playlist
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
}

async function fetchOk(url: string, expectedType: string): Promise<Response> {
  const response = await fetch(url);
  const type = response.headers.get("content-type") ?? "";
  if (!response.ok || !type.startsWith(expectedType)) {
    await response.body?.cancel();
    throw new Error(
      `GET ${new URL(url).pathname} answered ${response.status} (${type || "no content type"}); expected 200 ${expectedType}`,
    );
  }
  return response;
}

/**
 * Plays the video the way hls.js starts to: the master playlist from the signed URL, every
 * variant playlist and its first segment by their relative URIs. Returns what it fetched.
 */
export async function checkPlayback(playbackUrl: string): Promise<string[]> {
  const fetched: string[] = [];
  const master = await (await fetchOk(playbackUrl, "application/vnd.apple.mpegurl")).text();
  fetched.push("master.m3u8");
  const variants = uris(master);
  if (variants.length === 0) throw new Error("the master playlist lists no variant");
  for (const variant of variants) {
    const variantUrl = new URL(variant, playbackUrl);
    const playlist = await (await fetchOk(variantUrl.href, "application/vnd.apple.mpegurl")).text();
    const first = uris(playlist)[0];
    if (!first) throw new Error(`${variant} lists no segment`);
    const segment = await fetchOk(new URL(first, variantUrl).href, "video/mp2t");
    const bytes = (await segment.arrayBuffer()).byteLength;
    fetched.push(`${variant} + ${first} (${bytes} bytes)`);
  }
  return fetched;
}
