"use client";

import type Hls from "hls.js";
import { Events } from "hls.js";
import { useCallback, useState } from "react";
import { HlsPlayer } from "@/components/hls-player";

/** What hls.js did, in order, for tests and for debugging from the console. */
export type PlayerEvent =
  | { type: "manifestParsed"; levels: { width: number; height: number; bitrate: number }[] }
  | { type: "levelSwitched"; level: number }
  | { type: "fragLoaded"; level: number; sn: number | "initSegment" }
  | { type: "error"; fatal: boolean; errorType: string; details: string };

export interface AqPlayerHandle {
  hls: Hls;
  events: PlayerEvent[];
}

declare global {
  interface Window {
    /** The page's hls.js instance and its event log (see apps/web/README.md). */
    __aqPlayer?: AqPlayerHandle;
  }
}

export function PlayerView({
  src,
  poster,
  storyboard,
  aspectRatio,
}: {
  src: string;
  poster?: string;
  storyboard?: string;
  aspectRatio?: number;
}) {
  // The page refreshes as the status moves on (a video playable before READY keeps encoding), and
  // each refresh signs a new URL for the same playlist: the player keeps the one it started with.
  const [source] = useState(src);
  const onInstance = useCallback((hls: Hls) => {
    const handle: AqPlayerHandle = { hls, events: [] };
    const log = (event: PlayerEvent) => handle.events.push(event);
    hls.on(Events.MANIFEST_PARSED, (_event, data) =>
      log({ type: "manifestParsed", levels: data.levels.map(({ width, height, bitrate }) => ({ width, height, bitrate })) }),
    );
    hls.on(Events.LEVEL_SWITCHED, (_event, data) => log({ type: "levelSwitched", level: data.level }));
    hls.on(Events.FRAG_LOADED, (_event, data) => log({ type: "fragLoaded", level: data.frag.level, sn: data.frag.sn }));
    hls.on(Events.ERROR, (_event, data) => log({ type: "error", fatal: data.fatal, errorType: data.type, details: data.details }));
    window.__aqPlayer = handle;
    return () => {
      if (window.__aqPlayer === handle) delete window.__aqPlayer;
    };
  }, []);

  // The storyboard exists from READY on: a chunked video that started playing earlier gains it on a later refresh.
  return (
    <HlsPlayer src={source} poster={poster} storyboard={storyboard} autoPlay muted aspectRatio={aspectRatio} onInstance={onInstance} />
  );
}
