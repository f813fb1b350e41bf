import { afterAll, describe } from 'vitest';
import { openPostgresScheduleStore } from '../../src/adapters/postgres/schedule-store.js';
import { dropSchemas, requirePostgres, TEST_POSTGRES_URL, uniqueSchemaName } from '../helpers/postgres.js';
import { schedulerSuite } from './scheduler.suite.js';

const postgres = await requirePostgres('scheduler.postgres');
const schemas: string[] = [];
afterAll(async () => {
  if (postgres.available) await dropSchemas(schemas);
});

describe.skipIf(!postgres.available)(`Scheduler: two schedulers on one PostgreSQL schema ${postgres.reason}`, () => {
  schedulerSuite(async () => {
    const schema = uniqueSchemaName();
    schemas.push(schema);
    const options = { connectionString: TEST_POSTGRES_URL, schema };
    const a = await openPostgresScheduleStore(options);
    return { a, b: await openPostgresScheduleStore(options) };
  });
});
