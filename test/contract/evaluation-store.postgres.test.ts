import { afterAll, describe } from 'vitest';
import { openPostgresEvaluationStore } from '../../src/adapters/postgres/evaluation-store.js';
import { dropSchemas, requirePostgres, TEST_POSTGRES_URL, uniqueSchemaName } from '../helpers/postgres.js';
import { evaluationStoreContract } from './evaluation-store.contract.js';

const postgres = await requirePostgres('evaluation-store.postgres');
const schemas: string[] = [];

afterAll(async () => {
  if (postgres.available) await dropSchemas(schemas);
});

describe.skipIf(!postgres.available)(`EvaluationStore contract: PostgreSQL, two pools on one schema ${postgres.reason}`, () => {
  evaluationStoreContract(async (now) => {
    const schema = uniqueSchemaName();
    schemas.push(schema);
    const options = { connectionString: TEST_POSTGRES_URL, schema, now };
    const [a, b] = await Promise.all([openPostgresEvaluationStore(options), openPostgresEvaluationStore(options)]);
    return { a, b };
  });
});
