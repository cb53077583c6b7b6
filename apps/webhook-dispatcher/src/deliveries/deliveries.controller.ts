import { Controller, Get, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags, ApiResponse } from '@nestjs/swagger';
import { ApiErrors, BearerAuthGuard, IdempotencyKey, IdempotencyKeys, ZodBody, ZodQuery } from '@payhook/platform';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { DeliveriesService } from './deliveries.service';
import { deliveryListSchema, deliverySchema, deliveryWithAttemptsSchema, recoveredSchema } from './delivery-responses';
import { listDeliveriesQuery, recoverSchema, retrySchema, searchDeliveriesQuery, type ListDeliveriesQuery, type RecoverRequest, type SearchDeliveriesQuery } from './delivery-requests';

@ApiTags('deliveries')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('v1')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly idempotency: IdempotencyKeys,
  ) {}

  @Get('endpoints/:id/deliveries')
  @ApiOperation({ summary: "An endpoint's deliveries, newest first" })
  @ApiResponse({ status: 200, description: 'The deliveries', standardSchema: deliveryListSchema })
  @ApiErrors(401, 404)
  async list(@Param('id') id: string, @ZodQuery(listDeliveriesQuery) query: ListDeliveriesQuery) {
    return { data: await this.deliveries.listForEndpoint(id, query) };
  }

  @Get('deliveries')
  @ApiOperation({ summary: 'The newest deliveries of every endpoint, filtered by endpoint, status and event type' })
  @ApiResponse({ status: 200, description: 'The deliveries, newest first', standardSchema: deliveryListSchema })
  @ApiErrors(401)
  async search(@ZodQuery(searchDeliveriesQuery) query: SearchDeliveriesQuery) {
    return { data: await this.deliveries.search(query) };
  }

  @Get('deliveries/:id')
  @ApiOperation({ summary: 'A delivery with every attempt: time, status code, duration, error, first bytes of the response' })
  @ApiResponse({ status: 200, description: 'The delivery and its attempt log', standardSchema: deliveryWithAttemptsSchema })
  @ApiErrors(401, 404)
  get(@Param('id') id: string) {
    return this.deliveries.get(id);
  }

  @Post('deliveries/:id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send again now: same webhook-id, fresh timestamp and signature' })
  @ApiResponse({ status: 202, description: 'Queued to be sent now', standardSchema: deliverySchema })
  @ApiErrors(401, 404, 409)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async retry(
    @Param('id') id: string,
    @ZodBody(retrySchema, { allowEmpty: true }) body: z.infer<typeof retrySchema>,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    const delivery = await this.idempotency.respond(response, key, { route: 'retry', id, body }, 202, (tx) => this.deliveries.retry(tx, id));
    this.deliveries.wake();
    return delivery;
  }

  @Post('endpoints/:id/recover')
  @HttpCode(202)
  @ApiOperation({ summary: "Re-send the endpoint's failed deliveries created in [since, until)" })
  @ApiResponse({ status: 202, description: 'How many were queued again', standardSchema: recoveredSchema })
  @ApiErrors(401, 404, 409)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async recover(
    @Param('id') id: string,
    @ZodBody(recoverSchema) request: RecoverRequest,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ) {
    const result = await this.idempotency.respond(response, key, { route: 'recover', id, request }, 202, (tx) => this.deliveries.recover(tx, id, request));
    if (result.recovered > 0) this.deliveries.wake();
    return result;
  }
}
