// Lost races that a retry of the whole transaction resolves.
const RACE_ERRNOS = new Set([
  1062, // ER_DUP_ENTRY: another writer inserted the order's first row first
  1205, // ER_LOCK_WAIT_TIMEOUT
  1213, // ER_LOCK_DEADLOCK: InnoDB chose this transaction as the victim
]);

/** True for a MySQL error that means "another transaction got there first: try again". */
export function isLostRace(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'errno' in error && RACE_ERRNOS.has(Number(error.errno));
}

/** Runs `work` again (a few times, at once) when it loses a race; it must be safe to repeat as a whole. */
export async function retryLostRaces<T>(work: () => Promise<T>, maxAttempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isLostRace(error) || attempt >= maxAttempts) throw error;
    }
  }
}
