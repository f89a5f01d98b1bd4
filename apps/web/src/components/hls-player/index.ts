export { HlsPlayer, type HlsPlayerProps } from "./hls-player";
export { QualityMenu, type QualityMenuProps } from "./quality-menu";
export { SeekBar, type SeekBarProps } from "./seek-bar";
export { parseStoryboard, tileAt, type StoryboardTile } from "./storyboard";
export { useStoryboard } from "./use-storyboard";
export {
  useHlsPlayer,
  levelName,
  type HlsPlayerControls,
  type HlsPlayerOptions,
  type PlaybackEngine,
  type QualityLevel,
} from "./use-hls-player";
