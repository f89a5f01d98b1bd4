/**
 * The local S3 server (s3rver) in a process of its own, so that the uploads measured against it
 * do not share an event loop with it; plus, for each delay given in argv[2] ("25,50"), a proxy
 * that holds every request that long before passing it on, as a network round trip would.
 * Prints `{ env, proxies: { "<ms>": url } }` as one JSON line; stops on SIGTERM.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startS3Server } from "@aq/devkit";

function startDelayProxy(target: URL, delayMs: number): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    setTimeout(() => {
      // Headers go through unchanged: the Host header is part of the request signature s3rver checks.
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on("error", (error) => {
        if (!res.headersSent) res.writeHead(502);
        res.end(`proxy: ${error.message}`);
      });
      // A client that goes away mid-answer (an encoder stopped while ffmpeg streams its source)
      // takes its upstream request with it: left open, s3rver's close would wait for it forever.
      res.once("close", () => {
        if (!res.writableFinished) upstream.destroy();
      });
      req.pipe(upstream);
    }, delayMs);
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }));
  });
}

const delays = (process.argv[2] ?? "").split(",").filter(Boolean).map(Number);
// Plain s3rver, as in the measurements so far: the strict R2 stand-in buffers each request to
// check it, which would be measured as upload time.
const s3 = await startS3Server({ bucket: "aq-bench", strict: false });
const proxies = await Promise.all(delays.map(async (ms) => ({ ms, ...(await startDelayProxy(new URL(s3.env.S3_ENDPOINT), ms)) })));
process.stdout.write(`${JSON.stringify({ env: s3.env, proxies: Object.fromEntries(proxies.map((p) => [String(p.ms), p.url])) })}\n`);
process.once("SIGTERM", () => {
  for (const proxy of proxies) {
    proxy.server.close();
    proxy.server.closeAllConnections();
  }
  s3.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`stopping s3rver: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
});
