// Lost races that a retry of the whole transaction resolves, by backend: the one list for the event stores
// and the read model. Both are checked whatever the database: a MySQL error has a numeric `errno`, a
// PostgreSQL/PGlite error a five-character SQLSTATE `code`.
const MYSQL_RACE_ERRNOS = new Set([
  1062, // ER_DUP_ENTRY: another writer inserted the same row (stream row, event id, the order's first row) first
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK: InnoDB chose this transaction as the victim
]);
const POSTGRES_RACE_SQLSTATES = new Set([
  '23505', // unique_violation: another writer inserted the same row first
  '40P01', // deadlock_detected: e.g. appends sharing event ids in different orders
  '40001', // serialization_failure, should the database default to a stricter isolation
]);

/**
 * True for a database error that means "another transaction got there first: try again".
 * @example if (!isLostRace(error)) throw error;
 */
export function isLostRace(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ('errno' in error && MYSQL_RACE_ERRNOS.has(Number(error.errno))) return true;
  return 'code' in error && typeof error.code === 'string' && POSTGRES_RACE_SQLSTATES.has(error.code);
}

/**
 * Runs `work` again (a few times, at once) when it loses a race; it must be safe to repeat as a whole.
 * @example await retryLostRaces(() => db.transaction().execute((trx) => write(trx)));
 */
export async function retryLostRaces<T>(work: () => Promise<T>, maxAttempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isLostRace(error) || attempt >= maxAttempts) throw error;
    }
  }
}
