import { afterAll, describe } from 'vitest';
import { openPostgresBanditStore } from '../../src/adapters/postgres/bandit-store.js';
import { dropSchemas, requirePostgres, TEST_POSTGRES_URL, uniqueSchemaName } from '../helpers/postgres.js';
import { banditStoreContract } from './bandit-store.contract.js';

const postgres = await requirePostgres('bandit-store.postgres');
const schemas: string[] = [];

afterAll(async () => {
  if (postgres.available) await dropSchemas(schemas);
});

describe.skipIf(!postgres.available)(`BanditStore contract: PostgreSQL, two pools on one schema ${postgres.reason}`, () => {
  banditStoreContract(async (now) => {
    const schema = uniqueSchemaName();
    schemas.push(schema);
    const options = { connectionString: TEST_POSTGRES_URL, schema, now };
    const [a, b] = await Promise.all([openPostgresBanditStore(options), openPostgresBanditStore(options)]);
    return { a, b };
  });
});
