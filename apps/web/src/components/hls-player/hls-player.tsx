"use client";

import { useRef, type CSSProperties } from "react";
import { QualityMenu } from "./quality-menu";
import { SeekBar } from "./seek-bar";
import { useHlsPlayer, type HlsPlayerOptions } from "./use-hls-player";
import { useStoryboard } from "./use-storyboard";
import styles from "./hls-player.module.css";

export interface HlsPlayerProps extends HlsPlayerOptions {
  /** An HLS master playlist URL (for AQ: Video.playbackUrl). */
  src: string;
  /** Browsers allow autoplay only when muted. Default false. */
  autoPlay?: boolean;
  muted?: boolean;
  poster?: string;
  className?: string;
  /** Width / height of the source (AQ: Video.width / Video.height): the box takes its shape. Default 16:9. */
  aspectRatio?: number;
  /**
   * A storyboard WebVTT (`sheet.jpg#xywh=x,y,w,h` cues; AQ: Video.storyboardUrl): adds a seek
   * slider that previews the frame under the pointer.
   */
  storyboard?: string;
}

/** A <video> playing `src` with hls.js, with a quality menu (Auto + each rendition) and, given a storyboard, a previewing seek slider. */
export function HlsPlayer({
  src,
  autoPlay = false,
  muted = autoPlay,
  poster,
  className,
  aspectRatio,
  storyboard,
  config,
  onInstance,
}: HlsPlayerProps) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const player = useHlsPlayer(videoRef, src, { config, onInstance });
  const tiles = useStoryboard(storyboard);
  return (
    <div className={[styles.player, className].filter(Boolean).join(" ")}>
      <video
        ref={videoRef}
        className={styles.video}
        style={aspectRatio ? ({ "--aq-aspect": aspectRatio } as CSSProperties) : undefined}
        // Without a playable source the controls would only show a loading spinner: the message below says why.
        controls={!player.error}
        playsInline
        autoPlay={autoPlay}
        muted={muted}
        poster={poster}
      />
      {storyboard && !player.error && <SeekBar videoRef={videoRef} tiles={tiles} />}
      {player.engine === "hls.js" && player.levels.length > 0 && (
        <QualityMenu
          levels={player.levels}
          selectedLevel={player.selectedLevel}
          playingLevel={player.playingLevel}
          onSelect={player.selectLevel}
        />
      )}
      {player.engine === "native" && <p className={styles.note}>Quality is chosen by the browser&apos;s own HLS player.</p>}
      {player.error && (
        <p className={styles.error} role="alert">
          {player.error}
        </p>
      )}
    </div>
  );
}
