import { BlockList, isIP } from "node:net";

/**
 * Address ranges a source URL may not reach by default: loopback, private, link-local (cloud
 * metadata endpoints live there), carrier-grade NAT, documentation, multicast and reserved
 * ranges, and IPv6 transition prefixes that can embed any of those. BlockList matches
 * IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) against the IPv4 rules.
 */
const IPV4_SPECIAL: Array<[string, number]> = [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
];
const IPV6_SPECIAL: Array<[string, number]> = [
  // Unspecified, loopback and the deprecated IPv4-compatible form (::a.b.c.d).
  ["::", 96],
  // SIIT (::ffff:0:a.b.c.d), which translators turn into the embedded IPv4 address. Not the
  // IPv4-mapped ::ffff:a.b.c.d, which BlockList already checks against the IPv4 rules.
  ["::ffff:0:0:0", 96],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 32],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
];

const special = new BlockList();
for (const [network, prefix] of IPV4_SPECIAL) special.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of IPV6_SPECIAL) special.addSubnet(network, prefix, "ipv6");

function family(address: string): "ipv4" | "ipv6" | null {
  const version = isIP(address);
  return version === 4 ? "ipv4" : version === 6 ? "ipv6" : null;
}

/** True for an address on the public internet; false for special ranges and for non-addresses. */
export function isPublicAddress(address: string): boolean {
  const kind = family(address);
  return kind !== null && !special.check(address, kind);
}

/** A set of CIDR ranges ("10.1.2.0/24", "fd00::/8", or a bare address) an operator allows. */
export function parseNetworks(cidrs: readonly string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [network = "", prefixText] = cidr.trim().split("/");
    const kind = family(network);
    const max = kind === "ipv4" ? 32 : 128;
    const prefix = prefixText === undefined ? max : Number(prefixText);
    if (!kind || !Number.isInteger(prefix) || prefix < 0 || prefix > max) throw new TypeError(`not a network: ${JSON.stringify(cidr)}`);
    list.addSubnet(network, prefix, kind);
  }
  return list;
}

export interface AddressPolicy {
  /** Any address is allowed (local development). */
  allowPrivate?: boolean;
  /** Special-range networks (CIDR) that are allowed anyway, e.g. an internal media server. */
  allowedNetworks?: readonly string[];
}

const parsedNetworks = new WeakMap<readonly string[], BlockList>();

export function isAddressAllowed(address: string, policy: AddressPolicy): boolean {
  const kind = family(address);
  if (!kind) return false;
  if (policy.allowPrivate || isPublicAddress(address)) return true;
  if (!policy.allowedNetworks?.length) return false;
  let networks = parsedNetworks.get(policy.allowedNetworks);
  if (!networks) {
    networks = parseNetworks(policy.allowedNetworks);
    parsedNetworks.set(policy.allowedNetworks, networks);
  }
  return networks.check(address, kind);
}
