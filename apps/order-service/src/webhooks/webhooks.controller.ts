import { Controller, Headers, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parsePaymentEvent } from '@payhook/contracts';
import { ApiError, BearerAuthGuard } from '@payhook/platform';
import { verify } from '@payhook/webhook-signature';
import type { RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';
import { PaymentWebhooks } from './payment-webhooks';
import { WebhookRegistration } from './webhook-registration';
import { WebhookSecrets } from './webhook-secrets';

@ApiTags('webhooks')
@Controller()
export class WebhooksController {
  constructor(
    private readonly secrets: WebhookSecrets,
    private readonly webhooks: PaymentWebhooks,
    private readonly registration: WebhookRegistration,
  ) {}

  @Post('webhooks/payments')
  @HttpCode(200)
  @ApiOperation({ summary: 'Payment webhooks from the dispatcher (Standard Webhooks signature, 300 s tolerance)' })
  async receive(@Req() request: RawBodyRequest<Request>, @Headers('webhook-id') webhookId: string | undefined) {
    const secrets = await this.secrets.current();
    if (secrets.length === 0) throw new ApiError(503, 'not_registered', 'No webhook secret yet: registration with the dispatcher is in progress.');
    // The raw bytes as sent: re-serialising the parsed JSON would not verify.
    const body = request.rawBody ?? Buffer.alloc(0);
    const verification = verify(body, request.headers, { secrets });
    if (!verification.ok) throw new ApiError(401, 'invalid_signature', `The webhook signature does not verify (${verification.reason}).`);
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      throw new ApiError(400, 'invalid_json', 'The webhook body is not valid JSON.');
    }
    const event = parsePaymentEvent(json);
    if (!event.ok) throw new ApiError(400, 'invalid_event', `The webhook body is not a payment event: ${event.error}.`);
    return this.webhooks.apply(webhookId as string, event.value);
  }

  @Post('v1/webhook-registration/rotate-secret')
  @HttpCode(200)
  @ApiBearerAuth()
  @UseGuards(BearerAuthGuard)
  @ApiOperation({ summary: 'Rotate the webhook secret at the dispatcher (Bearer DISPATCHER_API_KEY); the old one stays valid for the overlap' })
  rotate() {
    return this.registration.rotate();
  }
}
