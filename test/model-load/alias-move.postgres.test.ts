import { afterAll, describe } from 'vitest';
import { TEST_POSTGRES_URL, dropSchemas, requirePostgres, uniqueSchemaName } from '../helpers/postgres.js';
import { aliasMoveSuite } from './alias-move.suite.js';

const pg = await requirePostgres('model load on PostgreSQL');
const schema = uniqueSchemaName('mlp_alias');

describe.skipIf(!pg.available)(`model load on PostgreSQL: alias moves under load ${pg.reason}`, () => {
  afterAll(async () => dropSchemas([schema]));
  aliasMoveSuite(async () => `${TEST_POSTGRES_URL}?schema=${schema}`);
});
