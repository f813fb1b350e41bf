// A feature-store lookup: `{"id": "iris-001"}` → [sepal_length, sepal_width, petal_length, petal_width].
// The file is read and parsed on every call, on purpose: it is the slow fetch the data cache skips
// (a real deployment would query a feature store, a database or an object store here).
import { readFile } from 'node:fs/promises';
import { URL } from 'node:url';

const FEATURES = new URL('../features.csv', import.meta.url);
const COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

/** Rows of features.csv by id. */
async function readTable() {
  const [header, ...lines] = (await readFile(FEATURES, 'utf8')).trim().split(/\r?\n/);
  const names = header.split(',');
  const at = COLUMNS.map((c) => names.indexOf(c));
  const idAt = names.indexOf('id');
  return new Map(lines.map((line) => {
    const cells = line.split(',');
    return [cells[idAt], at.map((i) => Number(cells[i]))];
  }));
}

/** Rejected as the client's mistake (400 INVALID_REQUEST), like an MlError thrown by the server itself. */
function unknownId(id) {
  return Object.assign(new Error(`Invalid request: unknown id "${id}"`), { name: 'MlError', code: 'INVALID_REQUEST', params: { reason: `unknown id "${id}"` } });
}

export default {
  signatures: {
    lookup: {
      inputs: [{ name: 'id', dtype: 'string', shape: [-1] }],
      outputs: [{ name: 'features', dtype: 'float32', shape: [-1, 4] }],
      default: true,
    },
  },
  async run(inputs) {
    const ids = inputs.id.data;
    const table = await readTable();
    const features = new Float32Array(ids.length * COLUMNS.length);
    ids.forEach((id, r) => {
      const row = table.get(id);
      if (!row) throw unknownId(id);
      features.set(row, r * COLUMNS.length);
    });
    return { features: { dtype: 'float32', shape: [ids.length, COLUMNS.length], data: features } };
  },
};
