import { isIP } from "node:net";

/**
 * DNS rebinding: a page on evil.example whose name resolves to 127.0.0.1 is same-origin with itself, so
 * its requests carry `Host: evil.example:PORT` (and a matching Origin). Only requests that name this
 * server are served: `localhost` or an IP address on its port (a rebinding page always has a name, and
 * a page loaded from an address is this server's own origin), and each `--allowed-host` (a name, or
 * name:port; without a port any port, as behind a reverse proxy).
 */
export interface HostAllowList {
  allows(hostHeader: string | undefined): boolean;
  /** For the refusal message. */
  describe(): string;
}

function splitHost(hostHeader: string): { name: string; port: number | undefined } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(hostHeader.trim());
  if (!match?.[1]) return undefined;
  return { name: match[1].toLowerCase().replace(/\.$/, ""), port: match[2] ? Number(match[2]) : undefined };
}

function isOwnName(name: string): boolean {
  const bare = name.startsWith("[") ? name.slice(1, -1) : name;
  return name === "localhost" || isIP(bare) !== 0;
}

export function createHostAllowList(options: {
  /** The listening port, known once the server listens. */
  port: () => number;
  /** `--host`: when it is a name (`--host box.lan`), that name is served too. */
  bindHost?: string;
  allowedHosts?: readonly string[];
}): HostAllowList {
  const bindName = options.bindHost && !isOwnName(options.bindHost) ? [options.bindHost] : [];
  const extra = [...bindName, ...(options.allowedHosts ?? [])].map((entry) => {
    const parsed = splitHost(entry);
    if (!parsed) throw new Error(`--allowed-host: "${entry}" is not a host name or host:port`);
    return parsed;
  });

  return {
    allows(hostHeader) {
      const host = hostHeader ? splitHost(hostHeader) : undefined;
      if (!host) return false;
      if (isOwnName(host.name) && (host.port ?? 80) === options.port()) return true;
      return extra.some(
        (entry) => entry.name === host.name && (entry.port === undefined || entry.port === host.port),
      );
    },
    describe() {
      const port = options.port();
      return [`localhost:${port}`, `<an IP address>:${port}`, ...(options.allowedHosts ?? [])].join(", ");
    },
  };
}
