/**
 * Small helpers shared by the codecs for building readable error reasons.
 * They only run on error paths, so clarity wins over speed here.
 */

/** `[2,3]`, `[-1,4]`: compact, the way the docs and error messages spell shapes. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** The JSON type name of a value as a client would think of it. */
export function jsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** A plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `[1][0]` for the nested position of flat element `index` in a tensor of `shape`, first `depth` dims only. */
export function formatIndexPath(index: number, shape: readonly number[], depth: number): string {
  const parts = new Array<number>(depth);
  let rest = index;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d] ?? 1;
    const here = size > 0 ? rest % size : 0;
    rest = size > 0 ? Math.floor(rest / size) : rest;
    if (d < depth) parts[d] = here;
  }
  return parts.map((p) => `[${p}]`).join('');
}

/** `1 element`, `2 elements`: error messages read naturally for any count. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Names joined for "expected: a, b" style messages. */
export function formatNames(names: Iterable<string>): string {
  const list = [...names];
  return list.length === 0 ? '(none)' : list.join(', ');
}
