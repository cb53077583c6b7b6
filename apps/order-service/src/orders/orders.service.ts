import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError, Database, formatTraceparent, type Sql, type TraceContext } from '@payhook/platform';
import { enqueuePaymentRequest } from '../store/payment-requests';
import { findOrder, listOrders, orderHistory, placeOrder, type OrderRow } from '../store/orders';
import { orderAmount } from './domain/order-state';
import type { ListOrdersQuery, PlaceOrderRequest } from './order-requests';
import type { Order, OrderChange } from './order-responses';

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
  constructor(@Inject(Database) private readonly database: Database) {}

  /** The order and its payment request commit together: the request is never lost. */
  /** `trace` is the order's trace: its payment request carries it to payment-service. */
  async place(tx: Sql, request: PlaceOrderRequest, trace: TraceContext): Promise<Order> {
    const id = `ord_${randomUUID().replace(/-/g, '')}`;
    // Issued together: they share a round trip.
    const [row] = await Promise.all([
      placeOrder(tx, { id, items: request.items, amount: orderAmount(request.items), currency: request.currency }),
      enqueuePaymentRequest(tx, id, request.paymentMethod, formatTraceparent(trace)),
    ]);
    return toOrder(row);
  }

  async get(id: string): Promise<Order & { history: OrderChange[] }> {
    const [row, history] = await Promise.all([findOrder(this.database, id), orderHistory(this.database, id)]);
    if (!row) throw new ApiError(404, 'order_not_found', 'No such order.');
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
    return (await listOrders(this.database, query)).map(toOrder);
  }
}
