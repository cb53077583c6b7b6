import { Body, Controller, Get, Headers, Param, Post, Query, Res, Sse, type MessageEvent } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { IdempotencyKeys, ZodPipe } from '@payhook/platform';
import type { Response } from 'express';
import { defer, filter, from, map, merge, mergeMap, type Observable } from 'rxjs';
import { listOrdersQuery, placeOrderSchema, type ListOrdersQuery, type PlaceOrderRequest } from './order-requests';
import { OrderUpdates } from './order-updates';
import { OrdersService, type Order } from './orders.service';

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
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async place(
    @Body(new ZodPipe(placeOrderSchema)) request: PlaceOrderRequest,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Order> {
    const result = await this.idempotency.run(key, request, async (manager) => ({ status: 201, body: await this.orders.place(manager, request) }));
    response.status(result.status);
    if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return result.body;
  }

  @Get()
  @ApiOperation({ summary: 'Orders, newest first; ?status=&limit=' })
  async list(@Query(new ZodPipe(listOrdersQuery, 'query')) query: ListOrdersQuery) {
    return { data: await this.orders.list(query) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'An order with the history of its changes and the event that caused each' })
  get(@Param('id') id: string) {
    return this.orders.get(id);
  }

  @Sse(':id/stream')
  @ApiOperation({ summary: 'Server-Sent Events: the order now, then each status change as it happens' })
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
