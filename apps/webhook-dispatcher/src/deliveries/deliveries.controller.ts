import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BearerAuthGuard, ZodPipe } from '@payhook/platform';
import type { z } from 'zod';
import { DeliveriesService } from './deliveries.service';
import { listDeliveriesQuery, recoverSchema, retrySchema, type ListDeliveriesQuery, type RecoverRequest } from './delivery-requests';

@ApiTags('deliveries')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('v1')
export class DeliveriesController {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Get('endpoints/:id/deliveries')
  @ApiOperation({ summary: "An endpoint's deliveries, newest first; ?status=pending|delivered|failed&limit=" })
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
  retry(@Param('id') id: string, @Body(new ZodPipe(retrySchema, 'body', true)) _body: z.infer<typeof retrySchema>) {
    return this.deliveries.retry(id);
  }

  @Post('endpoints/:id/recover')
  @HttpCode(202)
  @ApiOperation({ summary: "Re-send the endpoint's failed deliveries created in [since, until)" })
  recover(@Param('id') id: string, @Body(new ZodPipe(recoverSchema)) request: RecoverRequest) {
    return this.deliveries.recover(id, request);
  }
}
