import { batchStatement, statement, type Sql } from '@payhook/platform';
import type { LineItem, OrderStatus } from '../orders/domain/order-state';

/**
 * The orders table and its history: every statement that reads or writes them, and the
 * only module that changes an order's status. Each change writes its history row in the
 * same statement, so an order never changes without saying why.
 */

/** The channel on which recorded payment ids are announced (their order ids, comma-separated). */
export const PAYMENT_IDS_CHANNEL = 'payment_ids';
const MAX_ANNOUNCED = 200;

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
     INSERT INTO orders (id, status, items, amount, currency)
     SELECT i, 'pending_payment', it, a, c FROM unnest($1::text[], $2::jsonb[], $3::int[], $4::text[]) AS u (i, it, a, c)
     RETURNING ${COLUMNS}
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
/** Orders' new payment states and the history rows they come with ($6–$12), in one statement for a batch. */
const WRITE_PAYMENT_CHANGES = batchStatement(
  'orders.write-payment-changes',
  `WITH changed AS (
     UPDATE orders o SET status = c.status, payment_version = c.payment_version, failure_code = c.failure_code,
       amount_refunded = c.amount_refunded, updated_at = now()
     FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::int[]) AS c (id, status, payment_version, failure_code, amount_refunded)
     WHERE o.id = c.id
   )
   INSERT INTO order_history (order_id, status, cause, detail, event_id, webhook_id, payment_version)
   SELECT * FROM unnest($6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::int[])`,
);
/**
 * Records payment ids and announces them on `payment_ids` (their order ids, comma-separated,
 * sent at commit): a webhook waiting for one on another instance wakes then, not at its next
 * poll. Nothing is announced when no order was there to record (every listener would wake).
 */
const RECORD_PAYMENT_IDS = batchStatement(
  'orders.record-payment-ids',
  `WITH recorded AS (
     UPDATE orders o SET payment_id = COALESCE(o.payment_id, c.payment_id), updated_at = now()
     FROM unnest($1::text[], $2::text[]) AS c (order_id, payment_id) WHERE o.id = c.order_id
     RETURNING o.id
   )
   SELECT pg_notify('${PAYMENT_IDS_CHANNEL}', string_agg(id, ',')) FROM recorded HAVING count(*) > 0`,
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

/** One statement for the orders the transaction's requests place in the same pass; each gets its own row. */
export async function placeOrder(tx: Sql, order: { id: string; items: LineItem[]; amount: number; currency: string }): Promise<OrderRow> {
  const placed = await tx.batched<OrderRow>(PLACE, [[order.id], [JSON.stringify(order.items)], [order.amount], [order.currency]]);
  return placed.find((row) => row.id === order.id) as OrderRow;
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

/** A history row a batch of payment changes writes: the status the order has after it, and why. */
export interface HistoryEntry extends ChangeSource {
  orderId: string;
  status: OrderStatus;
}

/**
 * Writes newer payment states to locked orders (at most one per order: its latest) and the
 * history rows that explain them, in list order, in one statement.
 */
export async function writePaymentChanges(tx: Sql, changes: Map<string, PaymentChange>, history: HistoryEntry[]): Promise<void> {
  if (changes.size === 0 && history.length === 0) return;
  const orders = [...changes];
  await tx.count(WRITE_PAYMENT_CHANGES, [
    orders.map(([id]) => id),
    orders.map(([, c]) => c.status),
    orders.map(([, c]) => c.paymentVersion),
    orders.map(([, c]) => c.failureCode),
    orders.map(([, c]) => c.amountRefunded),
    history.map((h) => h.orderId),
    history.map((h) => h.status),
    history.map((h) => h.cause),
    history.map((h) => h.detail ?? null),
    history.map((h) => h.eventId ?? null),
    history.map((h) => h.webhookId ?? null),
    history.map((h) => h.paymentVersion ?? null),
  ]);
}

/**
 * The payments payment-service created for these orders; a payment id once recorded never
 * changes. At most 200 orders a call: their ids (37 bytes each with the comma) must fit a
 * NOTIFY payload (8,000 bytes). The payment-request worker records 50 at most.
 */
export async function recordPaymentIds(tx: Sql, created: Array<{ orderId: string; paymentId: string }>): Promise<void> {
  if (created.length === 0) return;
  if (created.length > MAX_ANNOUNCED) throw new Error(`at most ${MAX_ANNOUNCED} payment ids are recorded at once, not ${created.length}`);
  await tx.rows(RECORD_PAYMENT_IDS, [created.map((c) => c.orderId), created.map((c) => c.paymentId)]);
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
