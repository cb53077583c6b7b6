import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError, Database, formatTraceparent, type Sql, type TraceContext } from '@payhook/platform';
import { PaymentRequestWorker } from '../payment-requests/payment-request-worker';
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
  constructor(
    @Inject(Database) private readonly database: Database,
    private readonly paymentRequests: PaymentRequestWorker,
  ) {}

  /**
   * Places an order through `commit` (which runs the work in the idempotency key's
   * transaction) and, once it has committed, has its payment requested at once. The order
   * and its payment request commit together, so the request is never lost; a replayed
   * answer requests nothing. `trace` is the order's trace, carried to payment-service.
   */
  async place(request: PlaceOrderRequest, trace: TraceContext, commit: (work: (tx: Sql) => Promise<Order>) => Promise<Order>): Promise<Order> {
    const traceparent = formatTraceparent(trace);
    const leaseMs = this.paymentRequests.reserve();
    let placed: Order | undefined;
    let sent = false;
    try {
      const order = await commit(async (tx) => (placed = await this.insert(tx, request, traceparent, leaseMs)));
      // The work may have run in an attempt that rolled back, then the answer was a replay: only the committed order is sent.
      if (leaseMs !== undefined && placed?.id === order.id) {
        this.paymentRequests.send({ order_id: order.id, payment_method: request.paymentMethod, attempts: 0, amount: order.amount, currency: order.currency, traceparent });
        sent = true;
      }
      return order;
    } finally {
      if (leaseMs !== undefined && !sent) this.paymentRequests.release();
    }
  }

  private async insert(tx: Sql, request: PlaceOrderRequest, traceparent: string, leaseMs: number | undefined): Promise<Order> {
    const id = `ord_${randomUUID().replace(/-/g, '')}`;
    // Issued together: they share a round trip.
    const [row] = await Promise.all([
      placeOrder(tx, { id, items: request.items, amount: orderAmount(request.items), currency: request.currency }),
      enqueuePaymentRequest(tx, id, request.paymentMethod, traceparent, leaseMs),
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
