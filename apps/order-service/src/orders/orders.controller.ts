import { Controller, Get, Param, Post, Res, Sse, type MessageEvent } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, IdempotencyKey, IdempotencyKeys, RequestTrace, TRACEPARENT_API_HEADER, ZodBody, ZodQuery, type TraceContext } from '@payhook/platform';
import type { FastifyReply } from 'fastify';
import { defer, filter, from, map, merge, mergeMap, type Observable } from 'rxjs';
import { listOrdersQuery, placeOrderSchema, type ListOrdersQuery, type PlaceOrderRequest } from './order-requests';
import { OrderUpdates } from './order-updates';
import { orderListSchema, orderSchema, orderWithHistorySchema, type Order } from './order-responses';
import { OrdersService } from './orders.service';

@ApiTags('orders')
@Controller('v1/orders')
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly idempotency: IdempotencyKeys,
    private readonly updates: OrderUpdates,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Place an order; it is pending_payment until a payment webhook settles it' })
  @ApiResponse({ status: 201, description: 'Placed, status pending_payment', standardSchema: orderSchema })
  @ApiErrors(409)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader(TRACEPARENT_API_HEADER)
  async place(
    @ZodBody(placeOrderSchema) request: PlaceOrderRequest,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
    @RequestTrace() trace: TraceContext,
  ): Promise<Order> {
    // Orders placed while a placement commits share the next transaction.
    return this.orders.place(request, trace, (work) => this.idempotency.respond(response, key, request, 201, work, { grouped: true }));
  }

  @Get()
  @ApiOperation({ summary: 'Orders, newest first' })
  @ApiResponse({ status: 200, description: 'The orders', standardSchema: orderListSchema })
  async list(@ZodQuery(listOrdersQuery) query: ListOrdersQuery) {
    return { data: await this.orders.list(query) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'An order with the history of its changes and the event that caused each' })
  @ApiResponse({ status: 200, description: 'The order and its history', standardSchema: orderWithHistorySchema })
  @ApiErrors(404)
  get(@Param('id') id: string) {
    return this.orders.get(id);
  }

  @Sse(':id/stream')
  @ApiOperation({ summary: 'Server-Sent Events: the order now, then each status change as it happens' })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'A stream of `event: order` messages whose data is {id, status, paymentId, change}', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiErrors(404)
  async stream(@Param('id') id: string): Promise<Observable<MessageEvent>> {
    await this.orders.get(id); // 404 before the stream opens
    const current = defer(() => from(this.orders.get(id)));
    const later = this.updates.changed.pipe(
      filter((changed) => changed === id),
      mergeMap(() => from(this.orders.get(id))),
    );
    // Subscribed together so no change falls between the first read and the listening.
    let seen = 0;
    return merge(current, later).pipe(
      filter((order) => {
        if (order.history.length <= seen) return false;
        seen = order.history.length;
        return true;
      }),
      map((order) => ({ type: 'order', data: { id: order.id, status: order.status, paymentId: order.paymentId, change: order.history.at(-1) } })),
    );
  }
}
