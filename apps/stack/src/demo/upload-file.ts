import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Readable, Transform } from "node:stream";

export interface UploadTarget {
  url: string;
  method: string;
  headers: { name: string; value: string }[];
}

/**
 * Sends the file to the presigned URL the way a browser would (one request, the exact headers
 * the gateway listed), streaming it from disk and, when asked, reporting the bytes sent. Used by
 * the demo and the bench.
 */
export async function uploadFile(path: string, target: UploadTarget, onProgress?: (sent: number, total: number) => void): Promise<void> {
  const { size } = await stat(path);
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      sent += chunk.length;
      onProgress?.(sent, size);
      callback(null, chunk);
    },
  });
  const headers = new Headers(target.headers.map(({ name, value }) => [name, value] as [string, string]));
  headers.set("content-length", String(size));
  const file = createReadStream(path);
  const body = Readable.toWeb(onProgress ? file.pipe(counter) : file) as ReadableStream<Uint8Array>;
  const response = await fetch(target.url, { method: target.method, headers, body, duplex: "half" } as RequestInit & { duplex: "half" });
  if (!response.ok) {
    const text = await response.text();
    throw new Error(`the upload was refused: HTTP ${response.status} ${text.slice(0, 300)}`);
  }
  await response.body?.cancel();
}
