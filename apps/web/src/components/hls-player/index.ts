export { HlsPlayer, type HlsPlayerProps } from "./hls-player";
export { QualityMenu, type QualityMenuProps } from "./quality-menu";
export {
  useHlsPlayer,
  levelName,
  type HlsPlayerControls,
  type HlsPlayerOptions,
  type PlaybackEngine,
  type QualityLevel,
} from "./use-hls-player";
