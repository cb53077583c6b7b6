import type { EntityManager } from 'typeorm';

/**
 * The endpoint state machine (enabled ⇄ disabled) and what it does to deliveries; the only
 * code that changes an endpoint's status. Every caller holds, or takes here first, the
 * endpoint's row lock before touching its deliveries: one lock order (endpoint, then
 * deliveries) everywhere, so management calls and the workers never deadlock.
 */

/** The last_error of a held delivery failed for its age. */
export const HOLD_EXPIRED = 'held longer than WEBHOOK_HOLD_MAX_AGE while the endpoint was disabled';

/**
 * Disabling an endpoint holds its pending deliveries (`held`: neither sent nor failed), so
 * nothing is lost while it is off and a dead receiver is not flooded by retries. Leases are
 * left alone: a POST in flight records its outcome (a failure stays held), and no other
 * worker claims that row again before its lease ends.
 */
export async function disableEndpoint(manager: EntityManager, endpointId: string, reason: string): Promise<void> {
  await manager.query(
    `UPDATE endpoints SET status = 'disabled', disabled_reason = $2, updated_at = now() WHERE id = $1 AND status = 'enabled'`,
    [endpointId, reason],
  );
  await manager.query(
    `UPDATE deliveries SET status = 'held', updated_at = now() WHERE endpoint_id = $1 AND status = 'pending'`,
    [endpointId],
  );
}

/**
 * Enabling an endpoint releases what it held, oldest first (each is due at its creation
 * time, and the claim takes the earliest due first). A delivery held longer than
 * `holdMaxAgeMs` is failed instead (recover can still send it): a receiver back after
 * weeks gets what it missed through recover or the events API, not as a flood.
 */
export async function enableEndpoint(manager: EntityManager, endpointId: string, holdMaxAgeMs: number): Promise<void> {
  await manager.query(
    `UPDATE endpoints SET status = 'enabled', disabled_reason = NULL, failing_since = NULL, updated_at = now()
     WHERE id = $1 AND status = 'disabled'`,
    [endpointId],
  );
  const [, released]: [unknown, number] = await manager.query(
    `UPDATE deliveries SET
       status = CASE WHEN created_at >= now() - $2 * interval '1 millisecond' THEN 'pending' ELSE 'failed' END,
       last_error = CASE WHEN created_at >= now() - $2 * interval '1 millisecond' THEN last_error ELSE $3 END,
       next_attempt_at = created_at, updated_at = now()
     WHERE endpoint_id = $1 AND status = 'held'`,
    [endpointId, holdMaxAgeMs, HOLD_EXPIRED],
  );
  // Wakes every instance's delivery worker once this commits.
  if (released > 0) await manager.query(`SELECT pg_notify('deliveries', '')`);
}
