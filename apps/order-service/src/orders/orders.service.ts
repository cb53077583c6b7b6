import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from '@payhook/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { orderAmount, type LineItem, type OrderStatus } from './domain/order-state';
import type { ListOrdersQuery, PlaceOrderRequest } from './order-requests';
import type { Order, OrderChange } from './order-responses';

interface OrderRow {
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

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    items: row.items,
    paymentId: row.payment_id,
    failureCode: row.failure_code,
    amountRefunded: row.amount_refunded,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

@Injectable()
export class OrdersService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The order and its payment request commit together: the request is never lost. */
  async place(manager: EntityManager, request: PlaceOrderRequest): Promise<Order> {
    const id = `ord_${randomUUID().replace(/-/g, '')}`;
    const [row]: OrderRow[] = await manager.query(
      `INSERT INTO orders (id, status, items, amount, currency) VALUES ($1, 'pending_payment', $2, $3, $4) RETURNING *`,
      [id, JSON.stringify(request.items), orderAmount(request.items), request.currency],
    );
    await manager.query(`INSERT INTO order_history (order_id, status, cause) VALUES ($1, 'pending_payment', 'order.placed')`, [id]);
    await manager.query('INSERT INTO payment_requests (order_id, payment_method) VALUES ($1, $2)', [id, request.paymentMethod]);
    return toOrder(row);
  }

  async get(id: string): Promise<Order & { history: OrderChange[] }> {
    const [row]: OrderRow[] = await this.dataSource.query('SELECT * FROM orders WHERE id = $1', [id]);
    if (!row) throw new ApiError(404, 'order_not_found', 'No such order.');
    const history: Array<{ status: OrderStatus; cause: string; detail: string | null; event_id: string | null; webhook_id: string | null; payment_version: number | null; at: Date }> =
      await this.dataSource.query('SELECT status, cause, detail, event_id, webhook_id, payment_version, at FROM order_history WHERE order_id = $1 ORDER BY id', [id]);
    return {
      ...toOrder(row),
      history: history.map((h) => ({
        status: h.status,
        cause: h.cause,
        detail: h.detail,
        eventId: h.event_id,
        webhookId: h.webhook_id,
        paymentVersion: h.payment_version,
        at: h.at.toISOString(),
      })),
    };
  }

  async list(query: ListOrdersQuery): Promise<Order[]> {
    const rows: OrderRow[] = await this.dataSource.query(
      'SELECT * FROM orders WHERE ($1::text IS NULL OR status = $1) ORDER BY created_at DESC, id DESC LIMIT $2',
      [query.status ?? null, query.limit],
    );
    return rows.map(toOrder);
  }
}
