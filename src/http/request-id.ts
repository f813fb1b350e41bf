import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Printable, bounded ids only: a client id is echoed into logs and other services. */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Keeps a caller's request id (so one id follows a request across services), else a new UUID. */
export function genRequestId(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  if (typeof given === 'string' && CLIENT_ID.test(given)) return given;
  return randomUUID();
}
