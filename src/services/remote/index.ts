export { RemoteClients, targetOf, type RemoteClientsOptions, type RemoteEvent } from './client.js';
export type { BreakerState } from './breaker.js';
export { runRemote } from './run-remote.js';
