import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PaymentSnapshot } from '@payhook/contracts';
import { BearerAuthGuard, IdempotencyKeys, ZodPipe } from '@payhook/platform';
import type { Response } from 'express';
import { z } from 'zod';
import {
  cancelSchema,
  captureSchema,
  createPaymentSchema,
  refundSchema,
  type CreatePaymentRequest,
} from './payment-requests';
import { PaymentsService } from './payments.service';

const listQuery = z.object({ orderId: z.string().min(1, 'is required').max(100) }).strict();

@ApiTags('payments')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('v1/payments')
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly idempotency: IdempotencyKeys,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a payment; it is processing until its test card decides the outcome' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async create(
    @Body(new ZodPipe(createPaymentSchema)) request: CreatePaymentRequest,
    @Headers('idempotency-key') key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PaymentSnapshot> {
    const result = await this.idempotency.run(key, request, async (manager) => ({
      status: 201,
      body: await this.payments.create(manager, request),
    }));
    response.status(result.status);
    if (result.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return result.body;
  }

  @Get()
  @ApiOperation({ summary: 'List the payments of an order' })
  async list(@Query(new ZodPipe(listQuery, 'query')) query: z.infer<typeof listQuery>) {
    return { data: await this.payments.listByOrder(query.orderId) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A payment: the fold of its events' })
  get(@Param('id') id: string): Promise<PaymentSnapshot> {
    return this.payments.get(id);
  }

  @Get(':id/events')
  @ApiOperation({ summary: "A payment's event stream, in version order" })
  async events(@Param('id') id: string) {
    return { data: await this.payments.events(id) };
  }

  @Post(':id/capture')
  @HttpCode(200)
  @ApiOperation({ summary: 'Capture an authorized payment (captureMethod "manual")' })
  capture(@Param('id') id: string, @Body(new ZodPipe(captureSchema, 'body', true)) body: z.infer<typeof captureSchema>) {
    return this.payments.capture(id, body.amount);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a payment that is processing or awaiting capture' })
  cancel(@Param('id') id: string, @Body(new ZodPipe(cancelSchema, 'body', true)) _body: z.infer<typeof cancelSchema>) {
    return this.payments.cancel(id);
  }

  @Post(':id/refunds')
  @HttpCode(200)
  @ApiOperation({ summary: 'Refund all or part of what was captured' })
  refund(@Param('id') id: string, @Body(new ZodPipe(refundSchema, 'body', true)) body: z.infer<typeof refundSchema>) {
    return this.payments.refund(id, body.amount);
  }
}
