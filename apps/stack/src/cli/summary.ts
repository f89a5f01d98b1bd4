import { relative } from "node:path";
import type { RunningStack } from "../stack.js";

/** What a developer needs to use the running stack, one line each. */
export function stackSummary(stack: RunningStack): string {
  const origin = (name: string) => {
    const component = stack.components.find((c) => c.name === name);
    return component?.origin === "reused" ? "already running, reused" : "started by the stack";
  };
  const shorter = relative(process.cwd(), stack.dataDir);
  const data = shorter && !shorter.startsWith("..") ? shorter : stack.dataDir;
  const rows: [string, string][] = [
    ["GraphQL", `${stack.graphqlUrl}  (subscriptions: ${stack.graphqlWsUrl})`],
    ["API key", `${stack.apiKey}  (Authorization: Bearer ${stack.apiKey})`],
    ["Playback", `${stack.playbackBaseUrl}/v/<expiry>/<signature>/<video id>/master.m3u8`],
    ...(stack.webUrl ? ([["Web app", stack.webUrl]] as [string, string][]) : []),
    ["NATS", `${stack.natsUrl}  (${origin("nats")})`],
    ["Postgres", `${stack.components.find((c) => c.name === "postgres")?.url ?? ""}  (${origin("postgres")})`],
    [
      "S3",
      `${stack.s3.S3_ENDPOINT}  bucket ${stack.s3.S3_BUCKET}, keys ${stack.s3.S3_ACCESS_KEY_ID}/${stack.s3.S3_SECRET_ACCESS_KEY} (local only)`,
    ],
    ["Data", data],
  ];
  for (const app of stack.apps) rows.push([app.name, `pid ${app.pid ?? "?"}, ready at ${app.readyUrl}`]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join("\n");
}
