import { describe } from 'vitest';
import { aliasMoveSuite } from './alias-move.suite.js';

describe('model load on SQLite: alias moves under load', () => {
  aliasMoveSuite(async () => undefined);
});
