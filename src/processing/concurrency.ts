/**
 * Runs `fn` over `items` with at most `limit` calls in flight. Results are not
 * collected: callers write them where they belong (e.g. into one tensor), so
 * intermediate results do not pile up. After the first failure no new item
 * starts, and that failure is what the returned promise rejects with.
 */
export async function forEachLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await fn(items[index] as T, index);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}
