/** An absolute path of two or more segments, e.g. a WORK_DIR file an ffmpeg message names. */
const ABSOLUTE_PATH = /(?<![\w.:/-])\/(?:[\w.@+-]+\/)+([\w.@+-]+)/g;

/**
 * A stored error as clients see it: its first line only (the ffmpeg log tail after it stays in
 * the bucket's logs/<id>/), with local paths cut to their file name, which is all a client can
 * use and does not show the server's layout.
 */
export function publicErrorMessage(message: string): string {
  const firstLine = message.split("\n", 1)[0] ?? "";
  return firstLine.replace(ABSOLUTE_PATH, "$1").trim();
}

/** A stored error (code and message) as clients see it. */
export function publicError<E extends { code: string; message: string }>(error: E | null): E | null {
  return error ? { ...error, message: publicErrorMessage(error.message) } : null;
}
