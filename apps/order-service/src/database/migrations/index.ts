import { IdempotencyKeysRetention1732800000001, QuarantineTable1732700000000, traceparentColumn } from '@payhook/platform';
import { HistoryWriteTime1732600000000 } from './1732600000000-history-write-time';
import { EagerPaymentRequests1733100000000 } from './1733100000000-eager-payment-requests';
import { PaymentIntegrity1732700000000 } from './1732700000000-payment-integrity';
import { OrdersSchema1732500000000 } from './1732500000000-orders-schema';
import { Reconciliation1732800000000 } from './1732800000000-reconciliation';

export const migrations = [OrdersSchema1732500000000, HistoryWriteTime1732600000000, PaymentIntegrity1732700000000, QuarantineTable1732700000000, Reconciliation1732800000000, IdempotencyKeysRetention1732800000001, traceparentColumn('payment_requests', 1733000000000), EagerPaymentRequests1733100000000];
