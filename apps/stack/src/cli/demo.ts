import { join, resolve } from "node:path";
import { stat } from "node:fs/promises";
import { videoPrefix } from "@aq/platform/storage";
import type { S3Env } from "../stack.js";
import { defaultDataDir } from "../paths.js";
import { startStack, type RunningStack } from "../stack.js";
import { parseDemoArgs, type DemoArgs } from "../demo/args.js";
import { formatListing, listBucket } from "../demo/bucket-listing.js";
import { checkPlayback } from "../demo/check-playback.js";
import { createGraphqlClient } from "../demo/graphql-client.js";
import { ProgressBoard } from "../demo/progress-board.js";
import { sampleClip } from "../demo/sample-clip.js";
import { sendVideo } from "../demo/send-video.js";
import { readRunningStack } from "../lock.js";
import { stopOnSignal } from "./shutdown.js";
import { stackSummary } from "./summary.js";

const log = (line: string) => process.stdout.write(`[aq] ${line}\n`);

interface Target {
  graphqlUrl: string;
  graphqlWsUrl: string;
  apiKey: string;
  s3: S3Env;
  stack?: RunningStack;
}

/** The stack already running from this data folder (`npm run dev` in another terminal), else a new one. */
async function stackFor(args: DemoArgs, dataDir: string): Promise<Target> {
  const running = await readRunningStack(dataDir);
  if (running?.graphqlUrl && running.graphqlWsUrl && running.apiKey && running.s3) {
    log(`using the AQ stack already running from ${dataDir} (pid ${running.pid}); it stays up after the demo`);
    return {
      graphqlUrl: running.graphqlUrl,
      graphqlWsUrl: running.graphqlWsUrl,
      apiKey: running.apiKey,
      s3: running.s3 as unknown as S3Env,
    };
  }
  log("starting the AQ stack (NATS, Postgres, local S3, gateway, probe, encoder, uploader)");
  const stack = await startStack({ dataDir, web: args.exit ? false : "auto" });
  log(`AQ stack is up:\n${stackSummary(stack)}`);
  return { graphqlUrl: stack.graphqlUrl, graphqlWsUrl: stack.graphqlWsUrl, apiKey: stack.apiKey, s3: stack.s3, stack };
}

async function main(): Promise<number> {
  let args: DemoArgs;
  try {
    args = parseDemoArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  if (args.file) {
    const file = resolve(args.file);
    const found = await stat(file).catch(() => null);
    if (!found?.isFile()) {
      process.stderr.write(`no such video file: ${file}\n`);
      return 2;
    }
    args.file = file;
  }
  const dataDir = resolve(process.env.AQ_DATA_DIR ?? defaultDataDir);

  const started: { target?: Target } = {};
  stopOnSignal(async () => started.target?.stack?.stop(), log);
  const target = (started.target = await stackFor(args, dataDir));
  try {
    return await demo(args, dataDir, target);
  } catch (error) {
    log(`demo failed: ${(error as Error).message}`);
    await target.stack?.stop();
    return 1;
  }
}

async function demo(args: DemoArgs, dataDir: string, target: Target): Promise<number> {
  let file = args.file;
  if (!file) {
    const { width, height, seconds } = args.sample;
    log(`making a ${seconds} s ${width}x${height} sample clip with ffmpeg`);
    file = await sampleClip(join(dataDir, "samples"), args.sample);
  }
  log(`sending ${file} through the GraphQL API at ${target.graphqlUrl}`);
  const client = createGraphqlClient({ httpUrl: target.graphqlUrl, wsUrl: target.graphqlWsUrl, apiKey: target.apiKey });
  let ready = false;
  try {
    const video = await sendVideo(client, file, {
      title: args.title ?? `AQ demo: ${file.slice(file.lastIndexOf("/") + 1)}`,
      board: new ProgressBoard(process.stdout),
    });
    log(`video ${video.id}: ${video.status}`);
    if (video.status === "READY" && video.playbackUrl) {
      const renditions = video.renditions
        .map((r) => `${r.name} (${r.width}x${r.height}, ${Math.round(r.bandwidth / 1000)} kbps)`)
        .join(", ");
      log(`source: ${video.width}x${video.height}, ${video.durationSeconds?.toFixed(1)} s; renditions: ${renditions}`);
      const fetched = await checkPlayback(video.playbackUrl);
      log(`playback checked (every request 200 through the signed URL): ${fetched.join("; ")}`);
      log(`signed playback URL (valid 1 hour; open it with hls.js or Safari):\n\n  ${video.playbackUrl}\n`);
      const prefix = videoPrefix(video.id);
      log(
        `bucket ${target.s3.S3_BUCKET} at ${target.s3.S3_ENDPOINT}, ${prefix}:\n${formatListing(await listBucket(target.s3, prefix), prefix)}`,
      );
      ready = true;
    } else {
      log(
        `the video did not become READY${video.error ? `: ${video.error.code}: ${video.error.message}` : ""} (see the services' lines above)`,
      );
    }
  } finally {
    await client.close();
  }

  if (args.exit || !target.stack) {
    await target.stack?.stop();
    return ready ? 0 : 1;
  }
  log("the stack stays up; Ctrl-C stops it.");
  return -1;
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (error: Error) => {
    log(`demo failed: ${error.message}`);
    process.exit(1);
  },
);
