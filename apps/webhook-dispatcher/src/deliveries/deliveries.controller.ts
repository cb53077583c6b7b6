import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BearerAuthGuard, IdempotencyKey, IdempotencyKeys, ZodPipe } from '@payhook/platform';
import type { Response } from 'express';
import type { z } from 'zod';
import { DeliveriesService } from './deliveries.service';
import { listDeliveriesQuery, recoverSchema, retrySchema, type ListDeliveriesQuery, type RecoverRequest } from './delivery-requests';

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
  @ApiOperation({ summary: "An endpoint's deliveries, newest first; ?status=pending|delivered|failed|quarantined&limit=" })
  async list(@Param('id') id: string, @Query(new ZodPipe(listDeliveriesQuery, 'query')) query: ListDeliveriesQuery) {
    return { data: await this.deliveries.listForEndpoint(id, query) };
  }

  @Get('deliveries/:id')
  @ApiOperation({ summary: 'A delivery with every attempt: time, status code, duration, error, first bytes of the response' })
  get(@Param('id') id: string) {
    return this.deliveries.get(id);
  }

  @Post('deliveries/:id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send again now: same webhook-id, fresh timestamp and signature' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async retry(
    @Param('id') id: string,
    @Body(new ZodPipe(retrySchema, 'body', true)) body: z.infer<typeof retrySchema>,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const delivery = await this.idempotency.respond(response, key, { route: 'retry', id, body }, 202, (manager) => this.deliveries.retry(manager, id));
    this.deliveries.wake();
    return delivery;
  }

  @Post('endpoints/:id/recover')
  @HttpCode(202)
  @ApiOperation({ summary: "Re-send the endpoint's failed deliveries created in [since, until)" })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async recover(
    @Param('id') id: string,
    @Body(new ZodPipe(recoverSchema)) request: RecoverRequest,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    const result = await this.idempotency.respond(response, key, { route: 'recover', id, request }, 202, (manager) => this.deliveries.recover(manager, id, request));
    if (result.recovered > 0) this.deliveries.wake();
    return result;
  }
}
