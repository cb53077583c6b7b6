import { batchStatement, statement, type Sql } from '@payhook/platform';
import type { LineItem, OrderStatus } from '../orders/domain/order-state';

/**
 * The orders table and its history: every statement that reads or writes them, and the
 * only module that changes an order's status. Each change writes its history row in the
 * same statement, so an order never changes without saying why.
 */

export interface OrderRow {
  id: string;
  status: OrderStatus;
  amount: number;
  currency: string;
  items: LineItem[];
  payment_id: string | null;
  failure_code: string | null;
  amount_refunded: number;
  created_at: Date;
  updated_at: Date;
}

export interface HistoryRow {
  status: OrderStatus;
  cause: string;
  detail: string | null;
  event_id: string | null;
  webhook_id: string | null;
  payment_version: number | null;
  at: Date;
}

/** What the payment check needs of an order, read under its row lock. */
export interface OrderPaymentRow {
  id: string;
  status: OrderStatus;
  payment_version: number;
  payment_id: string | null;
  amount: number;
  currency: string;
  request_outstanding: boolean;
}

/** Why a history row was written: its cause, and the event, webhook and payment version behind it. */
export interface ChangeSource {
  cause: string;
  detail?: string | null;
  eventId?: string | null;
  webhookId?: string | null;
  paymentVersion?: number | null;
}

const COLUMNS = 'id, status, amount, currency, items, payment_id, failure_code, amount_refunded, created_at, updated_at';

const PLACE = statement(
  'orders.place',
  `WITH placed AS (
     INSERT INTO orders (id, status, items, amount, currency) VALUES ($1, 'pending_payment', $2, $3, $4) RETURNING ${COLUMNS}
   ), history AS (
     INSERT INTO order_history (order_id, status, cause) SELECT id, status, 'order.placed' FROM placed
   )
   SELECT * FROM placed`,
);
const FIND = statement('orders.find', `SELECT ${COLUMNS} FROM orders WHERE id = $1`);
const HISTORY = statement(
  'orders.history',
  'SELECT status, cause, detail, event_id, webhook_id, payment_version, at FROM order_history WHERE order_id = $1 ORDER BY id',
);
const LIST = statement(
  'orders.list',
  `SELECT ${COLUMNS} FROM orders WHERE ($1::text IS NULL OR status = $1) ORDER BY created_at DESC, id DESC LIMIT $2`,
);
/** Locked in id order, so two transactions locking overlapping sets never deadlock. */
const LOCK_FOR_PAYMENT = batchStatement(
  'orders.lock-for-payment',
  `SELECT id, status, payment_version, payment_id, amount, currency,
     EXISTS (SELECT 1 FROM payment_requests r WHERE r.order_id = o.id) AS request_outstanding
   FROM orders o WHERE id = ANY($1) ORDER BY id FOR UPDATE`,
);
const NOTE = statement(
  'orders.note',
  `INSERT INTO order_history (order_id, status, cause, detail, event_id, webhook_id, payment_version)
   SELECT id, status, $2, $3, $4, $5, $6 FROM orders WHERE id = $1`,
);
/** The new payment state; a history row only when the status moves ($10). */
const APPLY_PAYMENT = statement(
  'orders.apply-payment',
  `WITH changed AS (
     UPDATE orders SET status = $2, payment_version = $3, failure_code = $4, amount_refunded = $5, updated_at = now()
     WHERE id = $1 RETURNING id, status
   )
   INSERT INTO order_history (order_id, status, cause, detail, event_id, webhook_id, payment_version)
   SELECT id, status, $6, $7, $8, $9, $3 FROM changed WHERE $10::boolean`,
);
const RECORD_PAYMENT_IDS = batchStatement(
  'orders.record-payment-ids',
  `UPDATE orders o SET payment_id = COALESCE(o.payment_id, c.payment_id), updated_at = now()
   FROM unnest($1::text[], $2::text[]) AS c (order_id, payment_id) WHERE o.id = c.order_id`,
);
const FAIL_PAYMENT = statement(
  'orders.fail-payment',
  `WITH failed AS (
     UPDATE orders SET status = 'payment_failed', failure_code = $2, updated_at = now()
     WHERE id = $1 AND status = 'pending_payment' RETURNING id, status
   )
   INSERT INTO order_history (order_id, status, cause) SELECT id, status, $3 FROM failed`,
);
const CLAIM_FOR_RECONCILIATION = statement(
  'orders.claim-for-reconciliation',
  `UPDATE orders SET reconciled_at = now() WHERE id IN (
     SELECT id FROM orders
     WHERE status = 'pending_payment' AND payment_id IS NOT NULL
       AND created_at < now() - $1 * interval '1 millisecond' AND created_at > now() - $4 * interval '1 day'
       AND (reconciled_at IS NULL OR reconciled_at < now() - $2 * interval '1 millisecond')
     ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
   RETURNING id, payment_id`,
);

export async function placeOrder(tx: Sql, order: { id: string; items: LineItem[]; amount: number; currency: string }): Promise<OrderRow> {
  return (await tx.row<OrderRow>(PLACE, [order.id, JSON.stringify(order.items), order.amount, order.currency])) as OrderRow;
}

export function findOrder(sql: Sql, id: string): Promise<OrderRow | undefined> {
  return sql.row<OrderRow>(FIND, [id]);
}

export function orderHistory(sql: Sql, id: string): Promise<HistoryRow[]> {
  return sql.rows<HistoryRow>(HISTORY, [id]);
}

export function listOrders(sql: Sql, filter: { status?: string; limit: number }): Promise<OrderRow[]> {
  return sql.rows<OrderRow>(LIST, [filter.status ?? null, filter.limit]);
}

/**
 * Locks the orders until the transaction ends: their payment state is read and changed by
 * one writer at a time. Orders that do not exist are missing from the map.
 */
export async function lockOrdersForPayment(tx: Sql, orderIds: string[]): Promise<Map<string, OrderPaymentRow>> {
  const rows = await tx.rows<OrderPaymentRow>(LOCK_FOR_PAYMENT, [[...new Set(orderIds)].sort()]);
  return new Map(rows.map((row) => [row.id, row]));
}

/** A history row that changes nothing (a payment that is not the order's, a request set aside): the status stays. */
export async function noteOnOrder(tx: Sql, orderId: string, source: ChangeSource): Promise<void> {
  await tx.count(NOTE, [orderId, source.cause, source.detail ?? null, source.eventId ?? null, source.webhookId ?? null, source.paymentVersion ?? null]);
}

export interface PaymentChange {
  status: OrderStatus;
  paymentVersion: number;
  failureCode: string | null;
  amountRefunded: number;
}

/** Writes a newer payment state to a locked order; `statusChanged` adds the history row. */
export async function applyPaymentChange(tx: Sql, orderId: string, change: PaymentChange, statusChanged: boolean, source: ChangeSource): Promise<void> {
  await tx.count(APPLY_PAYMENT, [
    orderId,
    change.status,
    change.paymentVersion,
    change.failureCode,
    change.amountRefunded,
    source.cause,
    source.detail ?? null,
    source.eventId ?? null,
    source.webhookId ?? null,
    statusChanged,
  ]);
}

/** The payments payment-service created for these orders; a payment id once recorded never changes. */
export async function recordPaymentIds(tx: Sql, created: Array<{ orderId: string; paymentId: string }>): Promise<void> {
  if (created.length === 0) return;
  await tx.count(RECORD_PAYMENT_IDS, [created.map((c) => c.orderId), created.map((c) => c.paymentId)]);
}

/** payment-service refused the payment outright: the order fails (if still waiting), with the reason. */
export async function failOrderPayment(tx: Sql, orderId: string, failureCode: string, cause: string): Promise<void> {
  await tx.count(FAIL_PAYMENT, [orderId, failureCode, cause]);
}

/** Stamps up to `limit` orders still waiting on their payment as being checked now, and returns them. */
export function claimOrdersForReconciliation(
  sql: Sql,
  options: { afterMs: number; everyMs: number; limit: number; forDays: number },
): Promise<Array<{ id: string; payment_id: string }>> {
  return sql.rows(CLAIM_FOR_RECONCILIATION, [options.afterMs, options.everyMs, options.limit, options.forDays]);
}
