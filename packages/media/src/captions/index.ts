export { parseCaptions, type Cue, type CaptionFormat } from "./parse.js";
export { captionsVtt, segmentCaptions, type SegmentedCaptions } from "./segment.js";
export { withSubtitles, SUBTITLES_GROUP } from "./master-subtitles.js";
export { firstPresentationTimestamp } from "./ts-start.js";
export { firstVariantUri, segmentList } from "./playlists.js";
