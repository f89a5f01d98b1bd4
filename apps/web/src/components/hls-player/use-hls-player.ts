"use client";

import type Hls from "hls.js";
import type { HlsConfig, Level } from "hls.js";
import { useCallback, useEffect, useRef, useState, type RefObject } from "react";

export interface QualityLevel {
  /** hls.js level index, what selectLevel takes. */
  index: number;
  width: number;
  height: number;
  bitrate: number;
  /** "720p": named for the short side, like the renditions. */
  name: string;
}

export type PlaybackEngine = "hls.js" | "native";

export interface HlsPlayerOptions {
  /** hls.js settings, read when a source is loaded. */
  config?: Partial<HlsConfig>;
  /**
   * Called with each hls.js instance right after it is created (before it loads anything), e.g.
   * to add event listeners; may return a function run before the instance is destroyed.
   */
  onInstance?: (hls: Hls) => void | (() => void);
}

export interface HlsPlayerControls {
  /** Which engine plays the source; null until one is chosen. */
  engine: PlaybackEngine | null;
  /** The variants of the master playlist, highest first (empty with the native engine, which picks itself). */
  levels: QualityLevel[];
  /** The level chosen with selectLevel; -1 is automatic. */
  selectedLevel: number;
  /** The level being played; -1 until known. */
  playingLevel: number;
  /** Why playback stopped, when it cannot go on. */
  error: string | null;
  /** Plays one level from now on (flushing what is buffered), or -1 to let hls.js choose. */
  selectLevel: (index: number) => void;
}

/** A fatal playback error as a viewer reads it; hls.js's own words stay in the console. */
export function playbackFailure(kind: "network" | "media", details: string): string {
  console.warn(`hls.js fatal ${kind} error: ${details}`);
  return kind === "network"
    ? "The video could not be loaded: the link may have expired or the connection dropped. Reload the page to try again."
    : "This browser could not play the video's data. Try another browser, or reload the page.";
}

export function levelName(level: Pick<Level, "width" | "height" | "bitrate">): string {
  const shortSide = Math.min(level.width, level.height);
  return shortSide > 0 ? `${shortSide}p` : `${Math.round(level.bitrate / 1000)} kb/s`;
}

/**
 * Plays an HLS source in a <video> with hls.js where Media Source Extensions exist, else with
 * the browser's own HLS (Safari on iOS). The hls.js instance is destroyed when the source
 * changes and on unmount, so no loader or media source outlives the component.
 */
export function useHlsPlayer(
  videoRef: RefObject<HTMLVideoElement | null>,
  src: string | null,
  options: HlsPlayerOptions = {},
): HlsPlayerControls {
  const [engine, setEngine] = useState<PlaybackEngine | null>(null);
  const [levels, setLevels] = useState<QualityLevel[]>([]);
  const [selectedLevel, setSelectedLevel] = useState(-1);
  const [playingLevel, setPlayingLevel] = useState(-1);
  const [error, setError] = useState<string | null>(null);
  const hlsRef = useRef<Hls | null>(null);
  // The latest options without re-creating the player when a parent re-renders.
  const optionsRef = useRef(options);
  optionsRef.current = options;

  useEffect(() => {
    const video = videoRef.current;
    if (!video || !src) return;
    let cancelled = false;
    let teardown: (() => void) | undefined;

    const reset = () => {
      setEngine(null);
      setLevels([]);
      setSelectedLevel(-1);
      setPlayingLevel(-1);
      setError(null);
    };

    // Loaded on demand: hls.js is browser code, and pages that never play pay nothing for it.
    import("hls.js")
      .then(({ default: HlsClass, Events, ErrorTypes }) => {
        if (cancelled) return;
        if (HlsClass.isSupported()) {
          const hls = new HlsClass(optionsRef.current.config);
          hlsRef.current = hls;
          const detach = optionsRef.current.onInstance?.(hls);
          let mediaRecoveryTried = false;
          hls.on(Events.MANIFEST_PARSED, (_event, data) => {
            const parsed = data.levels.map((level, index) => ({
              index,
              width: level.width,
              height: level.height,
              bitrate: level.bitrate,
              name: levelName(level),
            }));
            setLevels(parsed.sort((a, b) => b.bitrate - a.bitrate));
          });
          hls.on(Events.LEVEL_SWITCHED, (_event, data) => setPlayingLevel(data.level));
          hls.on(Events.ERROR, (_event, data) => {
            if (!data.fatal) return;
            // The documented recovery for a decoder error: re-create the media source once.
            if (data.type === ErrorTypes.MEDIA_ERROR && !mediaRecoveryTried) {
              mediaRecoveryTried = true;
              hls.recoverMediaError();
              return;
            }
            // Stop here: an attached but starved media source leaves the browser's spinner turning forever.
            hls.stopLoad();
            hls.detachMedia();
            video.removeAttribute("src");
            video.load();
            setError(playbackFailure(data.type === ErrorTypes.NETWORK_ERROR ? "network" : "media", data.details));
          });
          hls.loadSource(src);
          hls.attachMedia(video);
          setEngine("hls.js");
          teardown = () => {
            detach?.();
            hls.destroy();
            hlsRef.current = null;
          };
        } else if (video.canPlayType("application/vnd.apple.mpegurl")) {
          video.src = src;
          setEngine("native");
          teardown = () => {
            video.removeAttribute("src");
            video.load();
          };
        } else {
          setError("This browser cannot play HLS video (it has neither Media Source Extensions nor native HLS).");
        }
      })
      .catch((loadError: unknown) => {
        if (!cancelled)
          setError(
            `The player could not be loaded (${loadError instanceof Error ? loadError.message : String(loadError)}). Reload the page to try again.`,
          );
      });

    return () => {
      cancelled = true;
      teardown?.();
      reset();
    };
  }, [videoRef, src]);

  const selectLevel = useCallback((index: number) => {
    const hls = hlsRef.current;
    if (!hls) return;
    // A chosen level replaces the buffer at once; "auto" only changes what is loaded next.
    if (index === -1) hls.loadLevel = -1;
    else hls.currentLevel = index;
    setSelectedLevel(index);
  }, []);

  return { engine, levels, selectedLevel, playingLevel, error, selectLevel };
}
