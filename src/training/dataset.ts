/** A labelled tabular dataset held in memory: row i of `features` has class `labels[i]`. */
export interface Dataset {
  readonly features: readonly (readonly number[])[];
  /** Class indices into `classNames`. */
  readonly labels: readonly number[];
  readonly classNames: readonly string[];
  readonly featureNames: readonly string[];
}

/** The rows at `indices`, in that order. */
export function subset(dataset: Dataset, indices: readonly number[]): Dataset {
  return {
    ...dataset,
    features: indices.map((i) => at(dataset.features, i)),
    labels: indices.map((i) => at(dataset.labels, i)),
  };
}

/** Element `i`, or a RangeError: indices come from our own splits, so a miss is a bug. */
export function at<T>(items: readonly T[], i: number): T {
  const item = items[i];
  if (item === undefined) throw new RangeError(`index ${i} is outside 0..${items.length - 1}`);
  return item;
}
