import { Controller, Headers, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { parsePaymentEvent, paymentEventSchema } from '@payhook/contracts';
import { ApiError, ApiErrors, BearerAuthGuard, IdempotencyKey, IdempotencyKeys, errorBodySchema, jsonSchemaOf } from '@payhook/platform';
import { verify } from '@payhook/webhook-signature';
import type { RawBodyRequest } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PaymentWebhooks } from './payment-webhooks';
import { WebhookRegistration } from './webhook-registration';
import { rotatedRegistrationSchema, webhookResultSchema } from './webhook-responses';
import { WebhookSecrets } from './webhook-secrets';

@ApiTags('webhooks')
@Controller()
export class WebhooksController {
  constructor(
    private readonly secrets: WebhookSecrets,
    private readonly webhooks: PaymentWebhooks,
    private readonly registration: WebhookRegistration,
    private readonly idempotency: IdempotencyKeys,
  ) {}

  @Post('webhooks/payments')
  @HttpCode(200)
  @ApiOperation({ summary: 'Payment webhooks from the dispatcher (Standard Webhooks signature, 300 s tolerance)' })
  @ApiHeader({ name: 'webhook-id', required: true })
  @ApiHeader({ name: 'webhook-timestamp', required: true })
  @ApiHeader({ name: 'webhook-signature', required: true })
  // The body is read raw (the signature covers its bytes), so it is documented here, not by a pipe.
  @ApiBody({ required: true, schema: jsonSchemaOf(paymentEventSchema, 'input') })
  @ApiResponse({ status: 200, description: 'Verified and handled, whatever the outcome', standardSchema: webhookResultSchema })
  @ApiResponse({ status: 503, description: 'Not registered with the dispatcher yet: try again', standardSchema: errorBodySchema })
  @ApiErrors(401)
  async receive(@Req() request: RawBodyRequest<FastifyRequest>, @Headers('webhook-id') webhookId: string | undefined) {
    const secrets = await this.secrets.current();
    if (secrets.length === 0) throw new ApiError(503, 'not_registered', 'No webhook secret yet: registration with the dispatcher is in progress.');
    // The raw bytes as sent: re-serialising the parsed JSON would not verify.
    const body = request.rawBody ?? Buffer.alloc(0);
    const verification = verify(body, request.headers, { secrets });
    if (!verification.ok) throw new ApiError(401, 'invalid_signature', `The webhook signature does not verify (${verification.reason}).`);
    // Signed by the dispatcher, so sending it again would bring the same bytes: set aside, not refused.
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      return this.webhooks.setAside(webhookId as string, 'the webhook body is not valid JSON', body);
    }
    const event = parsePaymentEvent(json);
    if (!event.ok) return this.webhooks.setAside(webhookId as string, `the webhook body is not a payment event: ${event.error}`, body);
    return this.webhooks.apply(webhookId as string, event.value, body);
  }

  @Post('v1/webhook-registration/rotate-secret')
  @HttpCode(200)
  @ApiBearerAuth()
  @UseGuards(BearerAuthGuard)
  @ApiOperation({ summary: 'Rotate the webhook secret at the dispatcher (Bearer DISPATCHER_API_KEY); the old one stays valid for the overlap' })
  @ApiResponse({ status: 200, description: 'Rotated', standardSchema: rotatedRegistrationSchema })
  @ApiErrors(401, 409)
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  rotate(@IdempotencyKey() key: string | undefined, @Res({ passthrough: true }) response: FastifyReply) {
    // The rotation calls the dispatcher, so the key is claimed around the call, not held in a transaction.
    return this.idempotency.respondAround(response, key, { route: 'rotate-webhook-secret' }, 200, () => this.registration.rotate());
  }
}
