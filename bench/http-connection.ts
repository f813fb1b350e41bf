import { connect, type Socket } from 'node:net';
import type { HttpRequestSpec } from './load-protocol.js';

/** One answer, as much of it as the overload checks need. */
export interface HttpAnswer {
  readonly status: number;
  /** The response carried a Retry-After header. */
  readonly retryAfter: boolean;
  /** The body as text for 503s (to check their error code); empty otherwise. */
  readonly body: string;
}

/**
 * What a connection reports for the request it carried: an answer, or the
 * error that lost it, with when it was written and when it was due (numbers,
 * so that nothing is allocated per request beyond the answer).
 */
export type Completion = (conn: HttpConnection, outcome: HttpAnswer | Error, sentAt: number, dueAt: number) => void;

/** The bytes of one HTTP/1.1 keep-alive request, built once and written as they are for every request. */
export function requestBytes(spec: HttpRequestSpec, host: string): Buffer {
  const body =
    spec.body === undefined ? Buffer.alloc(0) : Buffer.from(spec.body, spec.bodyEncoding === 'base64' ? 'base64' : 'utf8');
  const headers = { host, connection: 'keep-alive', ...spec.headers, 'content-length': String(body.length) };
  const head = `${spec.method} ${spec.path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

const HEAD_END = Buffer.from('\r\n\r\n');
const READ_BUFFER = Buffer.alloc(64 * 1024);

/**
 * A keep-alive socket carrying one request at a time, over net.Socket with a
 * response parser that reads only status, Content-Length and Retry-After.
 * Owning the socket means a request is written the moment it is handed over
 * (an undici Pool queues it internally when no socket is free, out of sight),
 * and that moment is what its latency is taken from. It is also cheaper: the
 * generator shares 2 cores with the server it overloads, and prebuilt bytes
 * plus a read straight into one shared buffer cost ~20–25 µs of CPU per
 * request in our runs, 40–50 % of it in the kernel's loopback TCP (undici's
 * dispatch(): 26–39 µs).
 *
 * The server under test answers with Content-Length (Fastify does for JSON);
 * chunked or unframed answers are reported as errors, not guessed at.
 */
export class HttpConnection {
  /** When the request now on the wire was written (performance.now()); NaN when idle. */
  private sentAt = Number.NaN;
  /** When the open-loop schedule had it due; kept here so that no closure is made per request. */
  private dueAt = Number.NaN;
  private buffered: Buffer = Buffer.alloc(0);
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly done: Completion,
  ) {
    socket.setNoDelay(true);
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => {
      this.closed = true;
      this.fail(new Error('connection closed by the server'));
    });
  }

  static open(port: number, host: string, done: Completion): Promise<HttpConnection> {
    return new Promise((resolve, reject) => {
      let conn: HttpConnection | undefined;
      // onread: bytes land in one shared buffer and come to a callback, skipping the stream machinery
      // (a 'data' event, a Buffer per read); safe to share because each read is parsed before the next.
      const onread = {
        buffer: READ_BUFFER,
        callback: (n: number): boolean => {
          conn?.onRead(READ_BUFFER.subarray(0, n));
          return true;
        },
      };
      const socket = connect({ port, host, onread });
      socket.once('connect', () => {
        socket.off('error', reject);
        conn = new HttpConnection(socket, done);
        resolve(conn);
      });
      socket.once('error', reject);
    });
  }

  get busy(): boolean {
    return !Number.isNaN(this.sentAt);
  }

  get usable(): boolean {
    return !this.closed;
  }

  /** Writes the request; its answer (or loss) comes back through the Completion. */
  send(bytes: Buffer, dueAt: number): void {
    this.dueAt = dueAt;
    this.sentAt = performance.now();
    this.socket.write(bytes);
  }

  close(): void {
    this.closed = true;
    this.socket.destroy();
  }

  /** `chunk` is a view of the shared read buffer: whatever must outlive this call is copied. */
  private onRead(chunk: Buffer): void {
    const data = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const headEnd = data.indexOf(HEAD_END);
    const head = headEnd < 0 ? '' : data.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1];
    const end = headEnd + HEAD_END.length + Number(length ?? 0);
    if (headEnd < 0 || data.length < end) {
      this.buffered = Buffer.from(data);
      return;
    }
    if (length === undefined) {
      // Closed first, so that the completion sees it unusable and does not hand it out again.
      this.close();
      this.fail(new Error(`answer without Content-Length: ${head.split('\r\n')[0] ?? ''}`));
      return;
    }
    const status = Number(head.slice(9, 12));
    const body = status === 503 ? data.toString('utf8', headEnd + HEAD_END.length, end) : '';
    // One request at a time: anything after this answer is not ours to parse.
    this.finish({ status, retryAfter: /\r\nretry-after:/i.test(head), body });
  }

  private fail(err: Error): void {
    if (this.busy) this.finish(err);
  }

  /** Idle again before the callback runs, so that it may send the next request on this connection. */
  private finish(outcome: HttpAnswer | Error): void {
    const { sentAt, dueAt } = this;
    this.sentAt = Number.NaN;
    this.buffered = Buffer.alloc(0);
    this.done(this, outcome, sentAt, dueAt);
  }
}
