import type { Sql } from '@payhook/platform';
import { holdPendingDeliveries, releaseHeldDeliveries } from '../store/deliveries';
import { setEndpointDisabled, setEndpointEnabled } from '../store/endpoints';

/**
 * The endpoint state machine (enabled ⇄ disabled) and what it does to deliveries; the only
 * code that changes an endpoint's status. Every caller holds, or takes here first, the
 * endpoint's row lock before touching its deliveries: one lock order (endpoint, then
 * deliveries) everywhere, so management calls and the workers never deadlock.
 */

/**
 * Disabling an endpoint holds its pending deliveries (`held`: neither sent nor failed), so
 * nothing is lost while it is off and a dead receiver is not flooded by retries.
 */
export async function disableEndpoint(tx: Sql, endpointId: string, reason: string): Promise<void> {
  await setEndpointDisabled(tx, endpointId, reason);
  await holdPendingDeliveries(tx, endpointId);
}

/**
 * Enabling an endpoint releases what it held, oldest first (each is due at its creation
 * time, and the claim takes the earliest due first). A delivery held longer than
 * `holdMaxAgeMs` is failed instead (recover can still send it): a receiver back after
 * weeks gets what it missed through recover or the events API, not as a flood.
 */
export async function enableEndpoint(tx: Sql, endpointId: string, holdMaxAgeMs: number): Promise<void> {
  await setEndpointEnabled(tx, endpointId);
  await releaseHeldDeliveries(tx, endpointId, holdMaxAgeMs);
}
