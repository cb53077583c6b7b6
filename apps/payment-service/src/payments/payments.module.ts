import { Module, type DynamicModule } from '@nestjs/common';
import { API_KEY, IDEMPOTENCY_KEYS_RETENTION, IdempotencyKeys, Quarantine, QUARANTINE_CONTROLLER, retentionProvider } from '@payhook/platform';
import { PAYMENT_CONFIG, type PaymentConfig } from '../config';
import { EventStore } from '../event-store/event-store';
import { OutboxRelay } from '../outbox/outbox-relay';
import { ProcessingScheduler } from '../processing/processing-scheduler';
import { ProcessingWorker } from '../processing/processing-worker';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';

@Module({})
export class PaymentsModule {
  static register(config: PaymentConfig): DynamicModule {
    return {
      module: PaymentsModule,
      controllers: [PaymentsController, QUARANTINE_CONTROLLER],
      providers: [
        { provide: PAYMENT_CONFIG, useValue: config },
        { provide: API_KEY, useValue: config.PAYMENT_API_KEY },
        EventStore,
        IdempotencyKeys,
        Quarantine,
        PaymentsService,
        ProcessingScheduler,
        ProcessingWorker,
        OutboxRelay,
        retentionProvider([IDEMPOTENCY_KEYS_RETENTION]),
      ],
    };
  }
}
