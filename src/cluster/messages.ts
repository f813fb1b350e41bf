/** IPC messages between the cluster primary and its server workers. */
export interface ListeningMessage {
  readonly type: 'mlpatterns:listening';
  readonly url: string;
  readonly models: readonly string[];
}

export interface MetricsRequest {
  readonly type: 'mlpatterns:metrics-request';
  readonly id: number;
}

export interface MetricsResponse {
  readonly type: 'mlpatterns:metrics-response';
  readonly id: number;
  readonly text?: string;
  readonly contentType?: string;
  readonly error?: string;
}

export function isMessage<T extends { type: string }>(value: unknown, type: T['type']): value is T {
  return typeof value === 'object' && value !== null && (value as { type?: unknown }).type === type;
}
