import { IdempotencyKeysRetention1732800000001, QuarantineTable1732700000000 } from '@payhook/platform';
import { PaymentsSchema1732300000000 } from './1732300000000-payments-schema';

export const migrations = [PaymentsSchema1732300000000, QuarantineTable1732700000000, IdempotencyKeysRetention1732800000001];
