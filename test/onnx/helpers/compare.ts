/**
 * Largest absolute difference between a flat row-major result and expected rows;
 * infinite when the sizes differ or a value is NaN, so that it fails any tolerance.
 */
export function maxAbsDiff(actual: ArrayLike<number>, expected: readonly (readonly number[])[]): number {
  const flat = expected.flat();
  if (flat.length !== actual.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  flat.forEach((value, i) => {
    const diff = Math.abs((actual[i] ?? Number.NaN) - value);
    worst = Number.isNaN(diff) ? Number.POSITIVE_INFINITY : Math.max(worst, diff);
  });
  return worst;
}
