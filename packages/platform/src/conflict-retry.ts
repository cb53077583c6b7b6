import { sqlState } from './poison';

/**
 * Postgres can still answer "deadlock detected" (40P01) or "could not serialize" (40001)
 * when every path takes its locks in one order (a foreign key check or an index page can
 * lock behind our back). Both mean the transaction was rolled back whole and the same
 * work may pass if run again, so it is, a few times, after a short random wait.
 */
const CONFLICT_SQLSTATES = new Set(['40P01', '40001']);

export function isLockConflict(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && CONFLICT_SQLSTATES.has(state);
}

/** Runs `work` (a whole transaction) again on a lock conflict, at most `attempts` times in all. */
export async function retryOnConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts || !isLockConflict(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
