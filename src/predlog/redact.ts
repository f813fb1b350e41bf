/** What a redacted field is replaced by. */
export const REDACTED = '[redacted]';

/**
 * Replaces the fields named by `paths` in each instance with "[redacted]",
 * on a copy (the request's own objects are left alone). A path is dot-separated
 * ("user.email"); a number is a column index of an array instance ("2"), or an
 * element index inside a path ("history.0"). Paths that an instance lacks are
 * skipped. `instances` that is not an array (an OIP request's named tensors) is
 * treated as one instance, so a path there names a whole input tensor.
 */
export function redactInstances(instances: unknown, paths: readonly (readonly string[])[]): unknown {
  if (paths.length === 0) return instances;
  if (!Array.isArray(instances)) return redactOne(instances, paths);
  return instances.map((instance) => redactOne(instance, paths));
}

/** Splits "a.b.0" into its parts once, at start-up. */
export function parseRedactPaths(paths: readonly string[]): string[][] {
  return paths.map((p) => p.split('.').filter((part) => part !== ''));
}

function redactOne(instance: unknown, paths: readonly (readonly string[])[]): unknown {
  let copy = instance;
  for (const path of paths) copy = redactPath(copy, path, 0);
  return copy;
}

function redactPath(value: unknown, path: readonly string[], at: number): unknown {
  const part = path[at];
  if (part === undefined || value === null || typeof value !== 'object') return value;
  if (!Object.hasOwn(value, part)) return value;
  const child = (value as Record<string, unknown>)[part];
  const replaced = at === path.length - 1 ? REDACTED : redactPath(child, path, at + 1);
  if (replaced === child) return value;
  if (Array.isArray(value)) {
    const copy = value.slice();
    copy[Number(part)] = replaced;
    return copy;
  }
  return { ...(value as Record<string, unknown>), [part]: replaced };
}
