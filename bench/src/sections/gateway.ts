import { spawn } from "node:child_process";
import { join } from "node:path";
import type { BenchContext } from "../context.js";
import type { LoadResult, LoadSettings } from "../gateway/load-client.js";
import { benchRoot } from "../options.js";
import type { GatewaySection } from "../results.js";
import type { StackSession } from "../stack-session.js";

const LOAD_CLIENT = join(benchRoot, "src", "gateway", "load-client.ts");

/** Runs the load generator as a second process and returns what it printed. */
function runLoadClient(settings: LoadSettings): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--conditions=source", "--import", "tsx", LOAD_CLIENT, JSON.stringify(settings)], {
      cwd: benchRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.once("error", (error) => reject(new Error(`could not start the load client: ${error.message}`)));
    child.once("close", (code) => {
      if (code !== 0) return reject(new Error(`the load client exited with ${code}: ${stderr.trim()}`));
      const line = stdout.trim().split("\n").at(-1) ?? "";
      try {
        resolve(JSON.parse(line) as LoadResult);
      } catch {
        reject(new Error(`the load client printed no result: ${stdout.slice(-500)} ${stderr.trim()}`));
      }
    });
  });
}

/** createVideo and video query rates and latencies, then progress fan-out to many subscribers. */
export async function runGatewayLoad(ctx: BenchContext, session: StackSession): Promise<GatewaySection> {
  const { stack } = session;
  const g = ctx.options.gateway;
  ctx.log(`gateway: ${g.concurrency} requests in flight for up to ${g.seconds} s per operation, then ${g.subscribers} subscribers`);
  const result = await runLoadClient({
    graphqlUrl: stack.graphqlUrl,
    graphqlWsUrl: stack.graphqlWsUrl,
    apiKey: stack.apiKey,
    natsUrl: stack.natsUrl,
    seconds: g.seconds,
    maxRequests: g.maxRequests,
    concurrency: g.concurrency,
    subscribers: g.subscribers,
    events: g.events,
  });
  return { requests: result.requests, fanOut: result.fanOut };
}
