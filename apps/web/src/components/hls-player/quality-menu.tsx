"use client";

import type { QualityLevel } from "./use-hls-player";
import styles from "./hls-player.module.css";

export interface QualityMenuProps {
  levels: QualityLevel[];
  selectedLevel: number;
  playingLevel: number;
  onSelect: (index: number) => void;
}

/** Auto plus one button per level; says which level is playing. */
export function QualityMenu({ levels, selectedLevel, playingLevel, onSelect }: QualityMenuProps) {
  const playing = levels.find((level) => level.index === playingLevel);
  return (
    <div className={styles.menu} role="group" aria-label="Quality">
      <button type="button" aria-pressed={selectedLevel === -1} onClick={() => onSelect(-1)}>
        Auto
      </button>
      {levels.map((level) => (
        <button
          key={level.index}
          type="button"
          aria-pressed={selectedLevel === level.index}
          onClick={() => onSelect(level.index)}
          title={`${level.width}x${level.height}, ${Math.round(level.bitrate / 1000)} kb/s`}
        >
          {level.name}
        </button>
      ))}
      <output className={styles.current} data-testid="playing-level" data-level={playingLevel}>
        {playing ? `Playing ${playing.name}${selectedLevel === -1 ? " (auto)" : ""}` : "Loading"}
      </output>
    </div>
  );
}
