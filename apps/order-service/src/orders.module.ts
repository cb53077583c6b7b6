import { Module, type DynamicModule } from '@nestjs/common';
import { API_KEY, IDEMPOTENCY_KEYS_RETENTION, IdempotencyKeys, Quarantine, QUARANTINE_CONTROLLER, retentionProvider } from '@payhook/platform';
import { ORDER_CONFIG, type OrderConfig } from './config';
import { OrderUpdates } from './orders/order-updates';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { PaymentIdSignal } from './payment-requests/payment-id-signal';
import { PaymentRequestWorker } from './payment-requests/payment-request-worker';
import { Reconciler } from './reconciliation/reconciler';
import { PaymentWebhooks } from './webhooks/payment-webhooks';
import { WebhookRegistration } from './webhooks/webhook-registration';
import { WebhookSecrets } from './webhooks/webhook-secrets';
import { WebhooksController } from './webhooks/webhooks.controller';

@Module({})
export class OrdersModule {
  static register(config: OrderConfig): DynamicModule {
    return {
      module: OrdersModule,
      controllers: [OrdersController, WebhooksController, QUARANTINE_CONTROLLER],
      providers: [
        { provide: ORDER_CONFIG, useValue: config },
        // The management routes (secret rotation, quarantine) take the dispatcher's key.
        { provide: API_KEY, useValue: config.DISPATCHER_API_KEY },
        IdempotencyKeys,
        Quarantine,
        OrdersService,
        OrderUpdates,
        PaymentIdSignal,
        PaymentRequestWorker,
        PaymentWebhooks,
        Reconciler,
        retentionProvider([IDEMPOTENCY_KEYS_RETENTION, { table: 'inbox', column: 'received_at', maxAgeMs: config.ORDER_INBOX_RETENTION }]),
        WebhookSecrets,
        WebhookRegistration,
      ],
    };
  }
}
