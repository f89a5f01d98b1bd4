import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface SeparateHost {
  /** The network namespace the host's processes run in. */
  namespace: string;
  /** Its own address on the test network. */
  address: string;
  /** Prefix for a command to run on this host (`ip netns exec <namespace>`, which execs the command). */
  runUnder: string[];
}

export interface HostNetwork {
  /** The root namespace's address on the network: servers every host reaches listen here. */
  gateway: string;
  hosts: Record<string, SeparateHost>;
  /** Deletes the namespaces, their veth pairs and the bridge; safe to call after a partial setup. */
  remove(): Promise<void>;
}

async function ip(...args: string[]): Promise<void> {
  try {
    await run("ip", args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`ip ${args.join(" ")} failed: ${stderr || (error as Error).message}`, { cause: error });
  }
}

/**
 * Hosts of their own for a test: one network namespace per name, each joined by a veth pair to a
 * bridge in the root namespace, on a /24 of its own. Names and the subnet derive from `tag` (the
 * test's pid, say) so that concurrent runs do not collide. Traffic between two hosts is not needed
 * and may be dropped by the root namespace's FORWARD policy: every host talks to the servers on
 * `gateway`. Needs root (CAP_NET_ADMIN); throws naming the `ip` command that was refused.
 */
export async function createHostNetwork(tag: number, names: readonly string[]): Promise<HostNetwork> {
  if (names.length > 200) throw new RangeError("at most 200 hosts on one test network");
  const subnet = `10.${(tag >> 8) & 255}.${tag & 255}`;
  const bridge = `aqbr${tag}`.slice(0, 15);
  const hosts: Record<string, SeparateHost> = {};
  const created: { namespaces: string[]; bridge: boolean } = { namespaces: [], bridge: false };
  const remove = async () => {
    // Deleting a namespace destroys its end of the veth pair, and with it the pair.
    for (const namespace of created.namespaces.splice(0)) await ip("netns", "delete", namespace).catch(() => {});
    if (created.bridge) await ip("link", "delete", bridge).catch(() => {});
    created.bridge = false;
  };
  try {
    await ip("link", "add", bridge, "type", "bridge");
    created.bridge = true;
    await ip("addr", "add", `${subnet}.1/24`, "dev", bridge);
    await ip("link", "set", bridge, "up");
    for (const [index, name] of names.entries()) {
      const namespace = `aq-${tag}-${name}`;
      const outside = `aqv${tag}h${index}`.slice(0, 15);
      const inside = `aqp${tag}h${index}`.slice(0, 15);
      const address = `${subnet}.${index + 2}`;
      await ip("netns", "add", namespace);
      created.namespaces.push(namespace);
      await ip("link", "add", outside, "type", "veth", "peer", "name", inside);
      await ip("link", "set", inside, "netns", namespace);
      await ip("link", "set", outside, "master", bridge, "up");
      await ip("-n", namespace, "addr", "add", `${address}/24`, "dev", inside);
      await ip("-n", namespace, "link", "set", inside, "up");
      await ip("-n", namespace, "link", "set", "lo", "up");
      hosts[name] = { namespace, address, runUnder: ["ip", "netns", "exec", namespace] };
    }
  } catch (error) {
    await remove();
    throw error;
  }
  return { gateway: `${subnet}.1`, hosts, remove };
}

/** The network namespaces `ip netns list` shows whose names start with `prefix`. */
export async function listNamespaces(prefix: string): Promise<string[]> {
  const { stdout } = await run("ip", ["netns", "list"]);
  return stdout
    .split("\n")
    .map((line) => line.split(" ")[0]!)
    .filter((name) => name.startsWith(prefix));
}
