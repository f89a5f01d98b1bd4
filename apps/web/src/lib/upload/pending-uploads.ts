/**
 * Multipart uploads this browser started and has not finished, kept in localStorage (one key
 * per video id) so that a reload or a closed tab can resume them: the bucket keeps the parts,
 * and the same file chosen again (same name, size and modification time) picks up the upload.
 */
export interface PendingUpload {
  videoId: string;
  name: string;
  size: number;
  lastModified: number;
  /** ISO 8601: after this the gateway has aborted the upload. */
  expiresAt: string;
}

const PREFIX = "aq.upload.";

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    // Storage disabled (privacy settings): uploads still work, only without resuming after a reload.
    return null;
  }
}

function isPendingUpload(value: unknown): value is PendingUpload {
  const v = value as PendingUpload | null;
  return (
    typeof v?.videoId === "string" &&
    typeof v.name === "string" &&
    typeof v.size === "number" &&
    typeof v.lastModified === "number" &&
    typeof v.expiresAt === "string"
  );
}

export function rememberUpload(upload: PendingUpload): void {
  storage()?.setItem(PREFIX + upload.videoId, JSON.stringify(upload));
}

export function forgetUpload(videoId: string): void {
  storage()?.removeItem(PREFIX + videoId);
}

/** Unfinished uploads not yet expired, oldest first; expired and unreadable entries are dropped. */
export function pendingUploads(now = Date.now()): PendingUpload[] {
  const store = storage();
  if (!store) return [];
  const found: PendingUpload[] = [];
  for (const key of Object.keys(store).filter((k) => k.startsWith(PREFIX))) {
    let value: unknown = null;
    try {
      value = JSON.parse(store.getItem(key) ?? "null");
    } catch {
      // Not ours, or damaged: dropped below.
    }
    if (isPendingUpload(value) && Date.parse(value.expiresAt) > now) found.push(value);
    else store.removeItem(key);
  }
  return found.sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}

/** The unfinished upload this file continues, if any. */
export function pendingUploadFor(file: Pick<File, "name" | "size" | "lastModified">): PendingUpload | null {
  return pendingUploads().find((u) => u.name === file.name && u.size === file.size && u.lastModified === file.lastModified) ?? null;
}
