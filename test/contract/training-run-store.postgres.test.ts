import { afterAll, describe } from 'vitest';
import { openPostgresTrainingRunStore } from '../../src/adapters/postgres/training-run-store.js';
import { dropSchemas, requirePostgres, TEST_POSTGRES_URL, uniqueSchemaName } from '../helpers/postgres.js';
import { trainingRunStoreContract } from './training-run-store.contract.js';

const postgres = await requirePostgres('training-run-store.postgres');
const schemas: string[] = [];

afterAll(async () => {
  if (postgres.available) await dropSchemas(schemas);
});

describe.skipIf(!postgres.available)(`TrainingRunStore contract: PostgreSQL, two pools on one schema ${postgres.reason}`, () => {
  trainingRunStoreContract(async (now) => {
    const schema = uniqueSchemaName();
    schemas.push(schema);
    const options = { connectionString: TEST_POSTGRES_URL, schema, now };
    const [a, b] = await Promise.all([openPostgresTrainingRunStore(options), openPostgresTrainingRunStore(options)]);
    return { a, b };
  });
});
