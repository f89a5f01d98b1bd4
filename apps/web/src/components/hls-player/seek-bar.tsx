"use client";

import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent, type RefObject } from "react";
import { tileAt, type StoryboardTile } from "./storyboard";
import styles from "./hls-player.module.css";

export interface SeekBarProps {
  videoRef: RefObject<HTMLVideoElement | null>;
  tiles: readonly StoryboardTile[];
}

/** Keyboard steps, as in most players: arrows 5 s, Page Up/Down a tenth of the video. */
const ARROW_STEP_SECONDS = 5;

function clock(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/**
 * A seek slider that previews the storyboard tile of the time under the pointer (or being
 * scrubbed to, with the mouse or the keyboard). A plain range input, labelled, so assistive
 * technology and the keyboard use it like any slider. Hidden while the duration is unknown or
 * open-ended (a live EVENT playlist).
 */
export function SeekBar({ videoRef, tiles }: SeekBarProps) {
  const [duration, setDuration] = useState(Number.NaN);
  const [current, setCurrent] = useState(0);
  const [preview, setPreview] = useState<number | null>(null);
  const dragging = useRef(false);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    const sync = () => {
      setDuration(video.duration);
      setCurrent(video.currentTime);
    };
    const events = ["loadedmetadata", "durationchange", "timeupdate", "seeked"] as const;
    sync();
    for (const name of events) video.addEventListener(name, sync);
    return () => {
      for (const name of events) video.removeEventListener(name, sync);
    };
  }, [videoRef]);

  if (!Number.isFinite(duration) || duration <= 0) return null;

  const seek = (time: number) => {
    const clamped = Math.min(duration, Math.max(0, time));
    if (videoRef.current) videoRef.current.currentTime = clamped;
    setCurrent(clamped);
    setPreview(clamped);
  };
  const timeAt = (event: PointerEvent<HTMLInputElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    return Math.min(1, Math.max(0, (event.clientX - box.left) / box.width)) * duration;
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    const steps: Record<string, number> = {
      ArrowLeft: current - ARROW_STEP_SECONDS,
      ArrowDown: current - ARROW_STEP_SECONDS,
      ArrowRight: current + ARROW_STEP_SECONDS,
      ArrowUp: current + ARROW_STEP_SECONDS,
      PageDown: current - duration / 10,
      PageUp: current + duration / 10,
      Home: 0,
      End: duration,
    };
    const target = steps[event.key];
    if (target === undefined) return;
    event.preventDefault();
    seek(target);
  };

  const tile = preview === null ? null : tileAt(tiles, preview);
  return (
    <div className={styles.seek}>
      {tile && preview !== null && (
        <div
          className={styles.preview}
          aria-hidden="true"
          data-testid="storyboard-preview"
          data-time={preview.toFixed(2)}
          // Centred on the time, kept inside the bar at both ends.
          style={{ left: `clamp(${tile.width / 2}px, ${(preview / duration) * 100}%, calc(100% - ${tile.width / 2}px))` }}
        >
          <div
            className={styles.tile}
            data-testid="storyboard-tile"
            style={{
              width: tile.width,
              height: tile.height,
              backgroundImage: `url("${tile.sheet}")`,
              backgroundPosition: `${-tile.x}px ${-tile.y}px`,
            }}
          />
          <span className={styles.previewTime}>{clock(preview)}</span>
        </div>
      )}
      <input
        type="range"
        className={styles.range}
        aria-label="Seek"
        aria-valuetext={`${clock(current)} of ${clock(duration)}`}
        min={0}
        max={duration}
        step="any"
        value={Math.min(current, duration)}
        onChange={(event) => seek(Number(event.currentTarget.value))}
        onKeyDown={onKeyDown}
        onPointerDown={(event) => {
          dragging.current = true;
          // A drag that ends off the slider still ends here (and then leaves it, hiding the preview).
          event.currentTarget.setPointerCapture(event.pointerId);
        }}
        onPointerUp={() => (dragging.current = false)}
        onPointerMove={(event) => setPreview(timeAt(event))}
        onPointerLeave={() => {
          if (!dragging.current) setPreview(null);
        }}
        onBlur={() => setPreview(null)}
      />
    </div>
  );
}
