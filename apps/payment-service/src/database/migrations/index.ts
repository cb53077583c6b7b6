import { IdempotencyKeysRetention1732800000001, QuarantineTable1732700000000, traceparentColumn } from '@payhook/platform';
import { PaymentsSchema1732300000000 } from './1732300000000-payments-schema';
import { OutboxPayloadAsSent1732900000000 } from './1732900000000-outbox-payload-as-sent';

export const migrations = [PaymentsSchema1732300000000, QuarantineTable1732700000000, IdempotencyKeysRetention1732800000001, OutboxPayloadAsSent1732900000000, traceparentColumn('outbox', 1733000000000)];
