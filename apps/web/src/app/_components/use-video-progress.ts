"use client";

import { useEffect, useState } from "react";
import type { GatewayFailure } from "@/lib/gateway/errors";
import type { VideoProgress } from "@/lib/videos";

export interface VideoProgressState {
  progress: VideoProgress | null;
  /** The relay or the gateway refused the subscription. */
  failure: GatewayFailure | null;
  /** The subscription completed (the video reached a terminal status). */
  ended: boolean;
}

/** Follows a video through this app's Server-Sent Events relay of the videoProgress subscription. */
export function useVideoProgress(videoId: string | null): VideoProgressState {
  const [state, setState] = useState<VideoProgressState>({ progress: null, failure: null, ended: false });

  useEffect(() => {
    if (!videoId) return;
    setState({ progress: null, failure: null, ended: false });
    const source = new EventSource(`/api/videos/${encodeURIComponent(videoId)}/progress`);
    source.addEventListener("progress", (event) => {
      const progress = JSON.parse(event.data) as VideoProgress;
      setState((previous) => ({ ...previous, progress }));
    });
    // Closing here stops EventSource from reconnecting to a stream that has nothing more to say.
    source.addEventListener("failure", (event) => {
      source.close();
      setState((previous) => ({ ...previous, failure: JSON.parse(event.data) as GatewayFailure }));
    });
    source.addEventListener("end", () => {
      source.close();
      setState((previous) => ({ ...previous, ended: true }));
    });
    return () => source.close();
  }, [videoId]);

  return state;
}
