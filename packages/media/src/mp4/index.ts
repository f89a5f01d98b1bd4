export { makeDownload, downloadRendition, isFastStart, type MakeDownloadOptions } from "./make-download.js";
