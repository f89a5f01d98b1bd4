import { open } from "node:fs/promises";

const TAIL_BYTES = 64 * 1024;

/** The last `lines` non-empty lines of a log file ("" when it does not exist), for error messages. */
export async function tailLog(file: string, lines = 20): Promise<string> {
  let handle;
  try {
    handle = await open(file, "r");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const text = buffer.toString("utf8");
    // Drop a line cut in half by the read window.
    const whole = length < size ? text.slice(text.indexOf("\n") + 1) : text;
    return whole
      .split(/\r?\n|\r/)
      .filter((line) => line.trim() !== "")
      .slice(-lines)
      .join("\n");
  } finally {
    await handle.close();
  }
}
