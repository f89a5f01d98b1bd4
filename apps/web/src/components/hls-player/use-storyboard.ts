"use client";

import { useEffect, useState } from "react";
import { parseStoryboard, type StoryboardTile } from "./storyboard";

/**
 * The tiles of a storyboard WebVTT (AQ: Video.storyboardUrl), fetched in the browser: its sheets
 * are named relative to it, so they are fetched under the same signed path. Empty until loaded,
 * and when it cannot be (the player then seeks without previews).
 */
export function useStoryboard(url: string | undefined): StoryboardTile[] {
  const [tiles, setTiles] = useState<StoryboardTile[]>([]);
  useEffect(() => {
    setTiles([]);
    if (!url) return;
    const controller = new AbortController();
    fetch(url, { signal: controller.signal })
      .then(async (response) => {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        setTiles(parseStoryboard(await response.text(), response.url || url));
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted) console.warn(`storyboard not loaded: ${(error as Error).message}`);
      });
    return () => controller.abort();
  }, [url]);
  return tiles;
}
