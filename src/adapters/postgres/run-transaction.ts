import type pg from 'pg';

/** One SQL statement with its parameters ($1, $2 …). */
export interface SqlStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** Runs the statements in one transaction on a connection of `pool`: all of them, or none. */
export async function runTransaction(pool: pg.Pool, statements: readonly SqlStatement[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const s of statements) await client.query(s.sql, [...s.params]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
