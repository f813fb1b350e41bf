import type { FastifyRequest } from 'fastify';
import { MlError } from '../../errors/ml-error.js';

/** The friendly API takes JSON only; anything else parsed as raw bytes is a 415. */
export function requireJson(req: FastifyRequest): void {
  if (Buffer.isBuffer(req.body) || typeof req.body === 'string') {
    throw new MlError('UNSUPPORTED_MEDIA_TYPE', { contentType: req.headers['content-type'] ?? '(none)' });
  }
}
