import type { RemoteNode } from '../schema.js';
import { failedExchange, isExchange, malformed, ourClientError, parseJson, type Attempt, type WireFormat } from './wire.js';

/** Another mlpatterns server's friendly JSON: `POST {url}/v1/models/{model}/predict` (or a service). */
export const friendlyFormat: WireFormat = {
  target: (node) => `${base(node)}${pathOf(node).replace(/\/predict$/, '')}`,
  prepare(node, instances) {
    const target = friendlyFormat.target(node);
    // Keys stay here: they label the client's answer and mean nothing to the remote.
    const body = JSON.stringify({ instances });
    return async (send) => {
      const result = await send({ method: 'POST', path: pathOf(node), body });
      if (!isExchange(result)) return result;
      if (result.status === 200) return answer(target, result.text, instances.length);
      // The instances are the client's: an error about them is the client's to fix, so it goes back as the remote said it.
      const passThrough = result.status === 400 || result.status === 413 ? ourClientError(result) : undefined;
      return failedExchange(target, result, passThrough);
    };
  },
};

export function base(node: RemoteNode): string {
  return node.url.replace(/\/+$/, '');
}

function pathOf(node: RemoteNode): string {
  return node.model !== undefined ? `/v1/models/${encodeURIComponent(node.model)}/predict` : `/v1/services/${encodeURIComponent(node.service ?? '')}/predict`;
}

function answer(target: string, text: string, count: number): Attempt {
  const parsed = parseJson(text);
  const { predictions, labels } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { predictions?: unknown; labels?: unknown };
  if (!Array.isArray(predictions) || predictions.length !== count) return malformed(target, `expected ${count} predictions`);
  const okLabels = Array.isArray(labels) && labels.length === count && labels.every((l) => typeof l === 'string');
  return { value: { rows: predictions, ...(okLabels ? { labels } : {}) } };
}
