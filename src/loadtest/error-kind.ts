/** A request that got no HTTP status, named by what went wrong. */
export type ErrorKind =
  | 'timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'connect_timeout'
  | 'socket_closed'
  | 'dns_not_found'
  | 'other';

/** Names an undici / socket failure; `timedOut` says our own deadline aborted it. */
export function errorKindOf(err: unknown, timedOut: boolean): ErrorKind {
  if (timedOut) return 'timeout';
  const code = (err as { code?: unknown } | null)?.code;
  const causeCode = (err as { cause?: { code?: unknown } } | null)?.cause?.code;
  switch (code ?? causeCode) {
    case 'ECONNREFUSED':
      return 'connection_refused';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'connection_reset';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connect_timeout';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return 'timeout';
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return 'socket_closed';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'dns_not_found';
    default:
      return 'other';
  }
}
