import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { PaymentSnapshot } from '@payhook/contracts';
import { ApiError, Database, type Sql } from '@payhook/platform';
import { EventStore, isStreamConflict, type LoadedStream, type StoredEvent } from '../event-store/event-store';
import { ProcessingScheduler } from '../processing/processing-scheduler';
import { streamsOfOrder } from '../store/events';
import { decide, PaymentRuleError } from './domain/decider';
import { toSnapshot, type PaymentCommand } from './domain/payment';
import type { CreatePaymentRequest } from './payment-requests';

const STATUS_BY_RULE: Record<PaymentRuleError['kind'], number> = {
  not_found: 404,
  invalid_state: 409,
  already_exists: 409,
  invalid_amount: 422,
};

function snapshotOf(stream: LoadedStream): PaymentSnapshot {
  if (!stream.state) throw new ApiError(404, 'payment_not_found', 'No such payment.');
  const first = stream.events[0];
  const last = stream.events[stream.events.length - 1];
  return toSnapshot(stream.state, stream.version, first.createdAt, last.createdAt);
}

/** Use cases: load the stream, decide, append; a lost race is retried on the new state (retryingConflicts). */
@Injectable()
export class PaymentsService {
  constructor(
    @Inject(Database) private readonly database: Database,
    private readonly store: EventStore,
    private readonly scheduler: ProcessingScheduler,
  ) {}

  /** Creates a payment inside the caller's transaction (the idempotency key shares it); its events carry `traceparent`. */
  async create(tx: Sql, request: CreatePaymentRequest, traceparent: string): Promise<PaymentSnapshot> {
    const paymentId = `pay_${randomUUID().replace(/-/g, '')}`;
    const stream: LoadedStream = { state: null, version: 0, events: [] };
    const events = this.decideOrThrow({ type: 'create', data: { paymentId, ...request } }, stream);
    const [appended] = await Promise.all([this.store.append(tx, stream, events, traceparent), this.scheduler.schedule(tx, paymentId)]);
    return snapshotOf(appended);
  }

  async get(paymentId: string): Promise<PaymentSnapshot> {
    return snapshotOf(await this.store.load(paymentId));
  }

  async events(paymentId: string): Promise<StoredEvent[]> {
    const stream = await this.store.load(paymentId);
    if (!stream.state) throw new ApiError(404, 'payment_not_found', 'No such payment.');
    return stream.events;
  }

  async listByOrder(orderId: string): Promise<PaymentSnapshot[]> {
    const streamIds = await streamsOfOrder(this.database, orderId);
    return Promise.all(streamIds.map((streamId) => this.get(streamId)));
  }

  capture(tx: Sql, paymentId: string, traceparent: string, amount?: number): Promise<PaymentSnapshot> {
    return this.handle(tx, paymentId, { type: 'capture', amount }, traceparent);
  }

  cancel(tx: Sql, paymentId: string, traceparent: string): Promise<PaymentSnapshot> {
    return this.handle(tx, paymentId, { type: 'cancel' }, traceparent);
  }

  refund(tx: Sql, paymentId: string, traceparent: string, amount?: number): Promise<PaymentSnapshot> {
    return this.handle(tx, paymentId, { type: 'refund', refundId: `re_${randomUUID().replace(/-/g, '')}`, amount }, traceparent);
  }

  /** Runs a command on one payment inside the caller's transaction (its idempotency key shares it), in the request's trace. */
  async handle(tx: Sql, paymentId: string, command: PaymentCommand, traceparent: string): Promise<PaymentSnapshot> {
    const stream = await this.store.load(paymentId, tx);
    return snapshotOf(await this.store.append(tx, stream, this.decideOrThrow(command, stream), traceparent));
  }

  /** Runs work again when it lost a race on a stream (another writer appended first); 409 if it keeps losing. */
  async retryingConflicts<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isStreamConflict(error)) throw error;
        if (attempt >= attempts) {
          throw new ApiError(409, 'concurrent_modification', 'The payment was changed by another request; try again.');
        }
      }
    }
  }

  private decideOrThrow(command: PaymentCommand, stream: LoadedStream) {
    try {
      return decide(command, stream.state);
    } catch (error) {
      if (error instanceof PaymentRuleError) throw new ApiError(STATUS_BY_RULE[error.kind], error.code, error.message);
      throw error;
    }
  }
}
