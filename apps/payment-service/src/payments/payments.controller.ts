import { Controller, Get, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { paymentSnapshotSchema, type PaymentSnapshot } from '@payhook/contracts';
import { ApiErrors, BearerAuthGuard, formatTraceparent, IdempotencyKey, IdempotencyKeys, RequestTrace, TRACEPARENT_API_HEADER, ZodBody, ZodQuery, type Sql, type TraceContext } from '@payhook/platform';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  cancelSchema,
  captureSchema,
  createPaymentSchema,
  refundSchema,
  type CreatePaymentRequest,
} from './payment-requests';
import { paymentEventListSchema, paymentListSchema } from './payment-responses';
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
  @ApiResponse({ status: 201, description: 'Created, status processing', standardSchema: paymentSnapshotSchema })
  @ApiErrors(401, 409)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader(TRACEPARENT_API_HEADER)
  async create(
    @ZodBody(createPaymentSchema) request: CreatePaymentRequest,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
    @RequestTrace() trace: TraceContext,
  ): Promise<PaymentSnapshot> {
    // The body alone identifies a creation, so keys stored before routes were named still replay.
    // Payments created while a creation commits share the next transaction.
    return this.idempotency.respond(response, key, request, 201, (tx) => this.payments.create(tx, request, formatTraceparent(trace)), { grouped: true });
  }

  @Get()
  @ApiOperation({ summary: 'List the payments of an order' })
  @ApiResponse({ status: 200, description: "The order's payments, oldest first", standardSchema: paymentListSchema })
  @ApiErrors(401)
  async list(@ZodQuery(listQuery) query: z.infer<typeof listQuery>) {
    return { data: await this.payments.listByOrder(query.orderId) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'A payment: the fold of its events' })
  @ApiResponse({ status: 200, description: 'The payment', standardSchema: paymentSnapshotSchema })
  @ApiErrors(401, 404)
  get(@Param('id') id: string): Promise<PaymentSnapshot> {
    return this.payments.get(id);
  }

  @Get(':id/events')
  @ApiOperation({ summary: "A payment's event stream, in version order" })
  @ApiResponse({ status: 200, description: 'Its events', standardSchema: paymentEventListSchema })
  @ApiErrors(401, 404)
  async events(@Param('id') id: string) {
    return { data: await this.payments.events(id) };
  }

  @Post(':id/capture')
  @HttpCode(200)
  @ApiOperation({ summary: 'Capture an authorized payment (captureMethod "manual")' })
  @ApiResponse({ status: 200, description: 'The payment, captured', standardSchema: paymentSnapshotSchema })
  @ApiErrors(401, 404, 409)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader(TRACEPARENT_API_HEADER)
  capture(
    @Param('id') id: string,
    @ZodBody(captureSchema, { allowEmpty: true }) body: z.infer<typeof captureSchema>,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
    @RequestTrace() trace: TraceContext,
  ) {
    return this.command(response, key, { route: 'capture', id, body }, (tx) => this.payments.capture(tx, id, formatTraceparent(trace), body.amount));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a payment that is processing or awaiting capture' })
  @ApiResponse({ status: 200, description: 'The payment, canceled', standardSchema: paymentSnapshotSchema })
  @ApiErrors(401, 404, 409)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader(TRACEPARENT_API_HEADER)
  cancel(
    @Param('id') id: string,
    @ZodBody(cancelSchema, { allowEmpty: true }) body: z.infer<typeof cancelSchema>,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
    @RequestTrace() trace: TraceContext,
  ) {
    return this.command(response, key, { route: 'cancel', id, body }, (tx) => this.payments.cancel(tx, id, formatTraceparent(trace)));
  }

  @Post(':id/refunds')
  @HttpCode(200)
  @ApiOperation({ summary: 'Refund all or part of what was captured' })
  @ApiResponse({ status: 200, description: 'The payment, refunded', standardSchema: paymentSnapshotSchema })
  @ApiErrors(401, 404, 409)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @ApiHeader(TRACEPARENT_API_HEADER)
  refund(
    @Param('id') id: string,
    @ZodBody(refundSchema, { allowEmpty: true }) body: z.infer<typeof refundSchema>,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
    @RequestTrace() trace: TraceContext,
  ) {
    return this.command(response, key, { route: 'refund', id, body }, (tx) => this.payments.refund(tx, id, formatTraceparent(trace), body.amount));
  }

  /** A command with its Idempotency-Key, run again when it lost a race on the payment's stream. */
  private command(
    response: FastifyReply,
    key: string | undefined,
    request: Record<string, unknown>,
    work: (tx: Sql) => Promise<PaymentSnapshot>,
  ): Promise<PaymentSnapshot> {
    return this.payments.retryingConflicts(() => this.idempotency.respond(response, key, request, 200, work));
  }
}
