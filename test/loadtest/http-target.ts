import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpTarget {
  url: string;
  /** performance.now() of each request's arrival, in arrival order. */
  arrivals: number[];
  close: () => Promise<void>;
}

/** A real node:http server whose answers the test decides; `handle` gets the request's 0-based arrival index. */
export async function startHttpTarget(handle: (req: IncomingMessage, res: ServerResponse, index: number) => void): Promise<HttpTarget> {
  const arrivals: number[] = [];
  const server = createServer((req, res) => {
    const index = arrivals.length;
    arrivals.push(performance.now());
    // Read the body first, so a POST is fully received before the answer.
    req.resume();
    req.on('end', () => handle(req, res, index));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    arrivals,
    close: () =>
      new Promise<void>((resolve) => {
        // Requests left hanging on purpose would otherwise keep close() waiting.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port that refuses connections: one a server held and then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
