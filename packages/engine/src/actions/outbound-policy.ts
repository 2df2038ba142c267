import ipaddr from "ipaddr.js";
import { FatalError } from "./types";

/** A destination `http.request` may not reach; nothing was sent. Never retried. */
export class ForbiddenUrlError extends FatalError {
  override name = "ForbiddenUrl";
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

export interface OutboundPolicyOptions {
  /**
   * Hosts (`api.example.com`, `*.example.com`), addresses and CIDR ranges. When any is given, only these
   * are reached; an address or range listed here also lifts the default refusals for it.
   */
  allow?: readonly string[];
  /** Hosts, addresses and CIDR ranges never reached; wins over `allow`. */
  deny?: readonly string[];
  /** The server's own listening address, refused on its port (known once it listens, hence a function). */
  self?: () => { host: string; port: number } | undefined;
}

export interface OutboundPolicy {
  /** Throws ForbiddenUrl unless `address` (as connected to, after DNS) may be reached for `hostname`. */
  check(hostname: string, address: string, port: number): void;
}

/** Refused unless explicitly allowed: link-local (where cloud metadata answers) and the metadata names. */
const DEFAULT_REFUSED: [string, string][] = [
  ["169.254.0.0/16", "a link-local address (cloud metadata answers there)"],
  ["fe80::/10", "a link-local address"],
  ["fd00:ec2::254/128", "the cloud metadata address"],
  ["0.0.0.0/8", "the unspecified address (it reaches this machine)"],
  ["::/128", "the unspecified address (it reaches this machine)"],
];
const METADATA_NAMES = new Set(["metadata.google.internal", "metadata", "instance-data"]);

interface Rules {
  names: string[];
  ranges: [Address, number][];
}

/** IPv4-mapped IPv6 (::ffff:127.0.0.1) is read as the IPv4 address it is. */
export function parseAddress(text: string): Address | undefined {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  return ipaddr.isValid(bare) ? ipaddr.process(bare) : undefined;
}

function parseRules(entries: readonly string[], flag: string): Rules {
  const rules: Rules = { names: [], ranges: [] };
  for (const raw of entries) {
    const entry = raw.trim().toLowerCase();
    if (entry === "") continue;
    if (entry.includes("/")) {
      try {
        const [address, bits] = ipaddr.parseCIDR(entry);
        const normalised = address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress();
        rules.ranges.push(
          normalised ? [(address as ipaddr.IPv6).toIPv4Address(), bits - 96] : [address, bits],
        );
      } catch {
        throw new Error(`${flag}: "${raw}" is not a CIDR range`);
      }
      continue;
    }
    const address = parseAddress(entry);
    if (address) rules.ranges.push([address, address.kind() === "ipv4" ? 32 : 128]);
    else if (/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*\.?$/.test(entry)) rules.names.push(entry.replace(/\.$/, ""));
    else throw new Error(`${flag}: "${raw}" is not a host name, an address or a CIDR range`);
  }
  return rules;
}

function nameMatches(names: readonly string[], hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return names.some((name) => (name.startsWith("*.") ? host.endsWith(name.slice(1)) : host === name));
}

function inRanges(ranges: readonly [Address, number][], address: Address): boolean {
  return ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
}

const DEFAULT_RANGES = DEFAULT_REFUSED.map(([cidr, why]) => [ipaddr.parseCIDR(cidr), why] as const);

/**
 * The outbound policy of `http.request`. Loopback stays open by default (local services and the tests
 * of the examples live there), except the server's own address and port.
 */
export function createOutboundPolicy(options: OutboundPolicyOptions = {}): OutboundPolicy {
  const allow = parseRules(options.allow ?? [], "--http-allow");
  const deny = parseRules(options.deny ?? [], "--http-deny");
  const exclusive = allow.names.length + allow.ranges.length > 0;

  const isSelf = (address: Address, port: number): boolean => {
    const self = options.self?.();
    if (!self || self.port !== port) return false;
    const bound = parseAddress(self.host);
    if (address.range() === "loopback") return true;
    if (!bound) return self.host === "localhost";
    return bound.range() === "unspecified" || bound.toString() === address.toString();
  };

  return {
    check(hostname, addressText, port) {
      const address = parseAddress(addressText);
      const where = `${hostname}${addressText !== hostname ? ` (${addressText})` : ""}`;
      if (!address) throw new ForbiddenUrlError(`${where} is not an address that can be checked`);
      const refuse = (why: string): never => {
        throw new ForbiddenUrlError(`http.request may not reach ${where}: ${why}`);
      };
      if (nameMatches(deny.names, hostname) || inRanges(deny.ranges, address)) refuse("it is in --http-deny");
      if (inRanges(allow.ranges, address)) return;
      if (METADATA_NAMES.has(hostname.toLowerCase())) refuse("the cloud metadata service");
      for (const [[range, bits], why] of DEFAULT_RANGES) {
        if (range.kind() === address.kind() && address.match(range, bits))
          refuse(`${why}; --http-allow opens it`);
      }
      if (isSelf(address, port)) refuse(`it is this server's own address and port ${port}`);
      if (exclusive && !nameMatches(allow.names, hostname)) refuse("it is not in --http-allow");
    },
  };
}
