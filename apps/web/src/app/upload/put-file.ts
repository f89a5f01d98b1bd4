import type { UploadTarget } from "@/lib/videos";

/**
 * Sends the file to the presigned URL with XMLHttpRequest, the one browser API that reports
 * upload progress. Resolves on a 2xx answer; `signal` aborts the transfer.
 */
export function putFile(target: UploadTarget, file: File, onProgress: (sentBytes: number) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, target.url);
    // Content-Length is the file's size, which the browser sends itself (scripts may not set it).
    for (const header of target.headers)
      if (header.name.toLowerCase() !== "content-length") xhr.setRequestHeader(header.name, header.value);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else reject(new Error(`the storage refused the upload with HTTP ${xhr.status}`));
    };
    xhr.onerror = () => reject(new Error("the upload did not reach the storage (network error or refused by CORS)"));
    xhr.onabort = () => reject(new Error("the upload was cancelled"));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
