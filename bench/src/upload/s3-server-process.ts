/**
 * The local S3 server (s3rver) in a process of its own, so that the uploads measured against
 * it do not share an event loop with it. Prints its environment as one JSON line; stops on SIGTERM.
 */
import { startS3Server } from "@aq/shared/testing";

const server = await startS3Server({ bucket: "aq-bench" });
process.stdout.write(`${JSON.stringify(server.env)}\n`);
process.once("SIGTERM", () => {
  server.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`stopping s3rver: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
});
