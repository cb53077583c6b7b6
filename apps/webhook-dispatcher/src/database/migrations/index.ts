import { IdempotencyKeysRetention1732800000001, QuarantineTable1732700000000, traceparentColumn } from '@payhook/platform';
import { DispatcherSchema1732400000000 } from './1732400000000-dispatcher-schema';
import { EventPublishedAt1732600000000 } from './1732600000000-event-published-at';
import { OutsideBytes1732700000000 } from './1732700000000-outside-bytes';
import { IdempotencyKeys1732700000001 } from './1732700000001-idempotency-keys';
import { HeldDeliveries1732800000000 } from './1732800000000-held-deliveries';
import { DeliveriesByTime1733000000001 } from './1733000000001-deliveries-by-time';
import { DeliveriesFillFactor1733200000000 } from './1733200000000-deliveries-fill-factor';
import { NotifyClaimableDeliveries1733300000000 } from './1733300000000-notify-claimable-deliveries';

export const migrations = [
  DispatcherSchema1732400000000,
  EventPublishedAt1732600000000,
  OutsideBytes1732700000000,
  IdempotencyKeys1732700000001,
  QuarantineTable1732700000000,
  HeldDeliveries1732800000000,
  IdempotencyKeysRetention1732800000001,
  traceparentColumn('events', 1733000000000),
  DeliveriesByTime1733000000001,
  DeliveriesFillFactor1733200000000,
  NotifyClaimableDeliveries1733300000000,
];
