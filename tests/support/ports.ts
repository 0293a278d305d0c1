import * as http from "http";
import type { AddressInfo } from "net";

/** A loopback port with nothing listening on it (bound, read, and released). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const p = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return p;
}

/** A loopback HTTP server that answers every request with `status` and an HTML page (not Databend). */
export async function htmlServer(status: number): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { "content-type": "text/html" });
    res.end(`<html><body><h1>${status}</h1></body></html>`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return server;
}
