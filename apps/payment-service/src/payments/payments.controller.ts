import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PaymentSnapshot } from '@payhook/contracts';
import { BearerAuthGuard, IdempotencyKey, IdempotencyKeys, ZodPipe } from '@payhook/platform';
import type { EntityManager } from 'typeorm';
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
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<PaymentSnapshot> {
    // The body alone identifies a creation, so keys stored before routes were named still replay.
    return this.idempotency.respond(response, key, request, 201, (manager) => this.payments.create(manager, request));
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
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  capture(
    @Param('id') id: string,
    @Body(new ZodPipe(captureSchema, 'body', true)) body: z.infer<typeof captureSchema>,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.command(response, key, { route: 'capture', id, body }, (manager) => this.payments.capture(manager, id, body.amount));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a payment that is processing or awaiting capture' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  cancel(
    @Param('id') id: string,
    @Body(new ZodPipe(cancelSchema, 'body', true)) body: z.infer<typeof cancelSchema>,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.command(response, key, { route: 'cancel', id, body }, (manager) => this.payments.cancel(manager, id));
  }

  @Post(':id/refunds')
  @HttpCode(200)
  @ApiOperation({ summary: 'Refund all or part of what was captured' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  refund(
    @Param('id') id: string,
    @Body(new ZodPipe(refundSchema, 'body', true)) body: z.infer<typeof refundSchema>,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.command(response, key, { route: 'refund', id, body }, (manager) => this.payments.refund(manager, id, body.amount));
  }

  /** A command with its Idempotency-Key, run again when it lost a race on the payment's stream. */
  private command(
    response: Response,
    key: string | undefined,
    request: Record<string, unknown>,
    work: (manager: EntityManager) => Promise<PaymentSnapshot>,
  ): Promise<PaymentSnapshot> {
    return this.payments.retryingConflicts(() => this.idempotency.respond(response, key, request, 200, work));
  }
}
