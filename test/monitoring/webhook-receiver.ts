import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A real local HTTP server that records the JSON bodies POSTed to it; `failFirst` answers 500 that many times first. */
export interface WebhookReceiver {
  readonly url: string;
  readonly bodies: Record<string, unknown>[];
  /** Requests received, failed ones included. */
  readonly hits: () => number;
  close(): Promise<void>;
}

export async function startWebhookReceiver(options: { failFirst?: number } = {}): Promise<WebhookReceiver> {
  const bodies: Record<string, unknown>[] = [];
  let hits = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hits += 1;
      if (hits <= (options.failFirst ?? 0)) {
        res.writeHead(500).end();
        return;
      }
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    bodies,
    hits: () => hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
