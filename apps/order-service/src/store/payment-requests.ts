import { batchStatement, statement, type Sql } from '@payhook/platform';

/**
 * The payment-request outbox: one row per order until payment-service has answered. Every
 * statement on `payment_requests` is here. Rows are leased, not locked, while payment-service
 * is asked, so no lock is held across the call.
 */

export interface DueRequest {
  order_id: string;
  payment_method: string;
  attempts: number;
  amount: number;
  currency: string;
  /** The order's trace (W3C traceparent), continued in the request to payment-service. */
  traceparent: string | null;
}

/** Leased for $4 ms when the placing process sends it itself; unleased (NULL) it wakes the pollers. */
const ENQUEUE = statement(
  'payment-requests.enqueue',
  `INSERT INTO payment_requests (order_id, payment_method, traceparent, lease_until)
   SELECT o, m, t, now() + l * interval '1 millisecond' FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[]) AS u (o, m, t, l)`,
);
/** The lease is taken and committed in one statement. */
const LEASE_DUE = statement(
  'payment-requests.lease-due',
  `UPDATE payment_requests r SET lease_until = now() + $2 * interval '1 millisecond'
   FROM orders o
   WHERE o.id = r.order_id AND r.order_id IN (
     SELECT order_id FROM payment_requests
     WHERE next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now())
     ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
   RETURNING r.order_id, r.payment_method, r.attempts, o.amount, o.currency, r.traceparent`,
);
const REMOVE = batchStatement('payment-requests.remove', 'DELETE FROM payment_requests WHERE order_id = ANY($1)');
const RETRY_LATER = statement(
  'payment-requests.retry-later',
  `UPDATE payment_requests SET attempts = attempts + 1, last_error = $2, lease_until = NULL,
     next_attempt_at = now() + $3 * interval '1 millisecond' WHERE order_id = $1`,
);

/** `leaseMs`: the placing process sends the request itself and holds it that long; without it a poller takes it. */
export async function enqueuePaymentRequest(tx: Sql, orderId: string, paymentMethod: string, traceparent: string, leaseMs?: number): Promise<void> {
  // One statement for the orders the transaction's requests place in the same pass.
  await tx.batched(ENQUEUE, [[orderId], [paymentMethod], [traceparent], [leaseMs ?? null]]);
}

/** Leases up to `limit` due requests for `leaseMs`, with what payment-service must be asked. */
export function leaseDueRequests(sql: Sql, limit: number, leaseMs: number): Promise<DueRequest[]> {
  return sql.rows<DueRequest>(LEASE_DUE, [limit, leaseMs]);
}

/** Answered (or set aside): the requests leave the queue. */
export async function removeRequests(tx: Sql, orderIds: string[]): Promise<void> {
  if (orderIds.length > 0) await tx.count(REMOVE, [orderIds]);
}

export async function retryRequestLater(tx: Sql, orderId: string, error: string, backoffMs: number): Promise<void> {
  await tx.count(RETRY_LATER, [orderId, error, backoffMs]);
}
