/**
 * Caption files attached on the upload form, waiting for their video to be READY (the gateway
 * cuts a track along the stored video's segments, so it takes captions only from then on). Kept
 * in localStorage (one key per video id) so that a reload, or coming back later in the same
 * browser, still adds them; in this tab's memory when storage is unavailable or full.
 */
export interface QueuedCaption {
  language: string;
  label: string;
  /** The file's name, for the page to say which file waits. */
  name: string;
  text: string;
}

const PREFIX = "aq.caption.";
const inMemory = new Map<string, QueuedCaption>();

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

function isQueuedCaption(value: unknown): value is QueuedCaption {
  const v = value as QueuedCaption | null;
  return typeof v?.language === "string" && typeof v.label === "string" && typeof v.name === "string" && typeof v.text === "string";
}

export function queueCaption(videoId: string, caption: QueuedCaption): void {
  inMemory.set(videoId, caption);
  try {
    storage()?.setItem(PREFIX + videoId, JSON.stringify(caption));
  } catch {
    // Over the quota (a caption file may be up to 2 MiB): this tab's memory still holds it.
  }
}

export function queuedCaption(videoId: string): QueuedCaption | null {
  const remembered = inMemory.get(videoId);
  if (remembered) return remembered;
  let value: unknown = null;
  try {
    value = JSON.parse(storage()?.getItem(PREFIX + videoId) ?? "null");
  } catch {
    // Damaged: treated as absent, and dropped.
    forgetCaption(videoId);
  }
  return isQueuedCaption(value) ? value : null;
}

export function forgetCaption(videoId: string): void {
  inMemory.delete(videoId);
  storage()?.removeItem(PREFIX + videoId);
}
