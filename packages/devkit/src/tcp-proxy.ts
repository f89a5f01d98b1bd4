import { createConnection, createServer, type Socket } from "node:net";
import { freePort } from "./free-port.js";

export interface TcpProxy {
  port: number;
  /** Drops every open connection and resets new ones, as a server that went away would. */
  cut(): void;
  restore(): void;
  stop(): Promise<void>;
}

/**
 * A TCP proxy a test can cut, to take a real dependency (Postgres, S3) away from the services
 * for a while without stopping the server other tests share; on loopback unless `listenHost`
 * names another address (one that services in other network namespaces reach).
 */
export async function startTcpProxy(targetHost: string, targetPort: number, { listenHost = "127.0.0.1" } = {}): Promise<TcpProxy> {
  const port = await freePort(listenHost);
  const open = new Set<Socket>();
  let down = false;
  const server = createServer((client) => {
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = createConnection({ host: targetHost, port: targetPort });
    open.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", close).on("close", close);
    upstream.on("error", close).on("close", close);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(port, listenHost, resolve));
  return {
    port,
    cut() {
      down = true;
      for (const socket of open) socket.resetAndDestroy();
      open.clear();
    },
    restore() {
      down = false;
    },
    stop: () =>
      new Promise((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
