/**
 * A client process for the multipart tests: uploads the file in parts through the gateway, as
 * the demo and the web app do, so that a test can kill it mid-upload.
 * Arguments: gateway URL, API key, video id, file path, concurrency.
 */
import { openAsBlob } from "node:fs";
import { gatewayUploadApi, uploadInParts } from "@aq/graphql-client";

const [url, apiKey, videoId, path, concurrency] = process.argv.slice(2);
await uploadInParts({
  api: gatewayUploadApi({ url: `${url}/graphql`, apiKey }),
  videoId: videoId!,
  file: await openAsBlob(path!),
  concurrency: Number(concurrency),
});
