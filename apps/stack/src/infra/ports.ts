import { createServer } from "node:net";
import { freePort } from "@aq/devkit";

/** True when nothing listens on host:port (we could bind it a moment ago). */
export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

export type PortPolicy = "preferred" | "ephemeral";

/**
 * The well-known port of a component when it is free and the policy asks for it (so the
 * URLs a developer sees stay the same from run to run), otherwise any free loopback port.
 */
export async function choosePort(preferred: number, policy: PortPolicy): Promise<number> {
  if (policy === "preferred" && (await portIsFree(preferred))) return preferred;
  return freePort();
}
