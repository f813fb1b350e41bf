import { afterAll, describe } from 'vitest';
import { openPostgresScheduleStore } from '../../src/adapters/postgres/schedule-store.js';
import { dropSchemas, requirePostgres, TEST_POSTGRES_URL, uniqueSchemaName } from '../helpers/postgres.js';
import { scheduleStoreContract } from './schedule-store.contract.js';

const postgres = await requirePostgres('schedule-store.postgres');
const schemas: string[] = [];

afterAll(async () => {
  if (postgres.available) await dropSchemas(schemas);
});

describe.skipIf(!postgres.available)(`ScheduleStore contract: PostgreSQL, two pools on one schema ${postgres.reason}`, () => {
  scheduleStoreContract(async (now) => {
    const schema = uniqueSchemaName();
    schemas.push(schema);
    const options = { connectionString: TEST_POSTGRES_URL, schema, now };
    const [a, b] = await Promise.all([openPostgresScheduleStore(options), openPostgresScheduleStore(options)]);
    return { a, b };
  });
});
