/**
 * kafkajs 2.2.4 re-arms a timer with a negative delay after every check of a connection's
 * request queue, even when nothing is pending (tulios/kafkajs#1556, #1704; fix proposed in
 * #1667, unreleased). Each connection then spins through setTimeout about a thousand times
 * a second: an idle app burns ~5 % of a core and a busy one loses CPU to it.
 * This applies the proposed fix: check again only while requests are pending, and no
 * sooner than the throttle or kafkajs' 10 ms pending-check interval allows.
 */
interface RequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

export function scheduleCheckPendingRequests(this: RequestQueue): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const untilUnthrottled = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, Math.max(untilUnthrottled, CHECK_PENDING_REQUESTS_INTERVAL_MS));
}

let applied = false;

/** Replaces kafkajs' scheduler once per process; kafkajs is pinned to the version it fixes. */
export function applyRequestQueueFix(): void {
  if (applied) return;
  applied = true;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const queue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueue };
  queue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
}
