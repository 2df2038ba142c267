import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ListeningServer {
  server: Server;
  /** The address to print, e.g. http://127.0.0.1:3000 */
  url: string;
  port: number;
  /** Stops accepting connections and ends open ones (SSE streams included). */
  close(): Promise<void>;
}

/** Listens on host:port; rejects with the socket error (e.g. EADDRINUSE) instead of crashing. */
export async function listen(
  listener: RequestListener,
  port: number,
  host: string,
): Promise<ListeningServer> {
  const server = createServer(listener);
  // Slow-loris protection: a client must send its headers promptly.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // SSE streams never end by themselves; idle keep-alive sockets neither.
        server.closeIdleConnections();
        server.closeAllConnections();
      }),
  };
}
