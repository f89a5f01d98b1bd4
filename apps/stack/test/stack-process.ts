// A stack in a process of its own, for the test that kills that process: it starts the stack in
// the data folder given as its argument (nothing reused, so it also starts nats-server and the
// embedded Postgres), prints what runs as one JSON line, and stays up until it is killed.
import { startStack } from "../src/index.js";

const dataDir = process.argv[2];
if (!dataDir) throw new Error("usage: stack-process.ts <data dir>");
const stack = await startStack({
  dataDir,
  ports: "ephemeral",
  web: false,
  reuseLocal: false,
  natsUrl: null,
  databaseUrl: null,
  logs: () => {},
});
process.stdout.write(
  `${JSON.stringify({ apps: stack.apps, components: stack.components, s3: stack.s3, natsUrl: stack.natsUrl, databaseUrl: stack.databaseUrl })}\n`,
);
setInterval(() => {}, 1 << 30);
