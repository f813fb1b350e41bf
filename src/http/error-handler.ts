import type { FastifyError, FastifyInstance } from 'fastify';
import { MlError, toMlError } from '../errors/ml-error.js';

/** Fastify's own error codes mapped onto ours, so every error body is {"error","code"}. */
function fromFastifyError(err: FastifyError, bodyLimit: number): MlError | undefined {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new MlError('INVALID_JSON', { reason: err.message }, { cause: err });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new MlError('PAYLOAD_TOO_LARGE', { limit: bodyLimit }, { cause: err });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new MlError('UNSUPPORTED_MEDIA_TYPE', { contentType: 'of the request' }, { cause: err });
    default:
      break;
  }
  // JSON.parse failures from our own parsers.
  if (err instanceof SyntaxError) return new MlError('INVALID_JSON', { reason: err.message }, { cause: err });
  // Any other client error Fastify raises (bad Content-Length, prototype poisoning, …).
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return new MlError('INVALID_REQUEST', { reason: err.message }, { cause: err });
  }
  return undefined;
}

export function installErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const mapped = error instanceof MlError ? error : (fromFastifyError(error, bodyLimit) ?? toMlError(error));
    if (mapped.status >= 500 && mapped.status !== 503 && mapped.status !== 504) request.log.error({ err: error }, mapped.message);
    else request.log.debug({ code: mapped.code }, mapped.message);
    // Load shedding tells clients when to come back (RFC 9110 §10.2.3).
    const retryAfter = mapped.params.retryAfter;
    if (mapped.status === 503 && retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    void reply.status(mapped.status).send(mapped.toJSON());
  });

  app.setNotFoundHandler((request, reply) => {
    const err = new MlError('ROUTE_NOT_FOUND', { method: request.method, url: request.url.split('?')[0] });
    void reply.status(err.status).send(err.toJSON());
  });
}
