import { MlError } from '../errors/ml-error.js';
import type { ModelHost } from './model-host.js';

/** The models a server serves, by served name. */
export class ModelRepository {
  readonly #hosts = new Map<string, ModelHost>();

  add(name: string, host: ModelHost): void {
    if (this.#hosts.has(name)) throw new Error(`model "${name}" is already served`);
    this.#hosts.set(name, host);
  }

  get(name: string): ModelHost {
    const host = this.#hosts.get(name);
    if (!host) throw new MlError('MODEL_NOT_FOUND', { name });
    return host;
  }

  has(name: string): boolean {
    return this.#hosts.has(name);
  }

  names(): string[] {
    return [...this.#hosts.keys()];
  }

  hosts(): ModelHost[] {
    return [...this.#hosts.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.hosts().map((h) => h.close()));
    this.#hosts.clear();
  }
}
