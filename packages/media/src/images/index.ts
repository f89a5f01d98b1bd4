export { makeImages, verifyImages, type MakeImagesOptions } from "./make-images.js";
export { planImages, fitWithin, type ImagePlan } from "./plan.js";
export { parseFrameStats, type FrameStats } from "./frame-stats.js";
export { pickPosterFrame } from "./poster-pick.js";
export { storyboardVtt, vttTimestamp, sheetCount } from "./storyboard-vtt.js";
