import type { DataTable } from '../../src/data/data-folder.js';

/** A labelled table as trainers take it: a numeric feature matrix, class indices, and the names of both. */
export interface LabelledTable {
  readonly featureNames: string[];
  readonly features: number[][];
  /** Class names, sorted: the same data always gives the same class order (and so the same model bytes). */
  readonly classNames: string[];
  readonly labels: number[];
  /** The label of each row as text. */
  readonly labelNames: string[];
}

/**
 * Splits rows into the `label` column and every other column as a feature. A
 * feature cell that is not a finite number is an error naming its row and
 * column: a model must not be trained on a silently coerced value.
 */
export function labelledTable(table: DataTable, label: string, classNames?: readonly string[]): LabelledTable {
  if (!table.columns.includes(label)) throw new Error(`no label column "${label}" (columns: ${table.columns.join(', ')})`);
  const featureNames = table.columns.filter((c) => c !== label);
  const labelNames = table.rows.map((row, i) => {
    const value = row[label];
    if (typeof value === 'number' || typeof value === 'boolean' || (typeof value === 'string' && value !== '')) return String(value);
    throw new Error(`row ${i + 1}: ${label} is ${JSON.stringify(value) ?? 'missing'}, not a class name`);
  });
  const classes = classNames !== undefined ? [...classNames] : [...new Set(labelNames)].sort();
  const features = table.rows.map((row, i) =>
    featureNames.map((name) => {
      const value = row[name];
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`row ${i + 1}: ${name} is ${JSON.stringify(value)}, not a number`);
      return value;
    }),
  );
  const labels = labelNames.map((name, i) => {
    const index = classes.indexOf(name);
    if (index < 0) throw new Error(`row ${i + 1}: class "${name}" is not one the model knows (${classes.join(', ')})`);
    return index;
  });
  return { featureNames, features, classNames: classes, labels, labelNames };
}
