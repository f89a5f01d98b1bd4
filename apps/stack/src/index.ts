export { startStack, type RunningStack, type StackOptions, type StackComponent } from "./stack.js";
export { DEV_API_KEY, DEV_PLAYBACK_SIGNING_KEYS } from "./dev-keys.js";
export { StackAlreadyRunningError, readRunningStack, type StackInfo } from "./lock.js";
export { prefixedConsole, formatLogLine, type LineSink } from "./processes/log-lines.js";
export { uploadFile, type UploadTarget } from "./demo/upload-file.js";
