import { randomBytes } from 'node:crypto';

let lastMs = 0;
let counter = 0;

/**
 * A delivery id (also the webhook-id header) that sorts by creation within a process:
 * 12 hex digits of milliseconds, 6 of a counter within the millisecond, 14 random. The
 * claim breaks ties on it, so deliveries created in one transaction (one ingest batch,
 * the same created_at) are still sent in the order their events arrived.
 */
export function deliveryId(now = Date.now()): string {
  if (now === lastMs) counter = (counter + 1) % 0x1000000;
  else [lastMs, counter] = [now, 0];
  return `msg_${now.toString(16).padStart(12, '0')}${counter.toString(16).padStart(6, '0')}${randomBytes(7).toString('hex')}`;
}
