import type { Probes } from './probes';

/** Work waiting at each stage of the pipeline, in the order an order passes them. */
export interface Backlog {
  'payment requests': number;
  'payment processing': number;
  'payment outbox': number;
  'kafka → dispatcher': number;
  'webhook deliveries': number;
  'orders unsettled': number;
}

/** How many rows each events table held up to a position: counted in full once, at rest. */
interface EventsMark {
  paymentPosition: number;
  paymentEvents: number;
  dispatcherSeq: number;
  dispatcherEvents: number;
}

/**
 * Reads the backlog, once a second while load runs. The queues are small tables or partial
 * indexes; the events tables only grow (a long run's count of one took 40–50 ms), so they
 * are counted in full at a mark taken while the pipeline rests, and a reading counts only
 * the rows after it, by their position (a range of an index). A row with a position below
 * the mark that commits after it would be missed: at rest none is being written.
 */
export class BacklogReader {
  private mark: EventsMark = { paymentPosition: 0, paymentEvents: 0, dispatcherSeq: 0, dispatcherEvents: 0 };

  constructor(private readonly probes: Probes) {}

  /** Moves the mark to now; call it with the pipeline at rest. */
  async markAtRest(): Promise<void> {
    const [paymentPosition, dispatcherSeq] = await Promise.all([
      this.probes.count('payment-service', 'SELECT coalesce(max(global_position), 0) AS n FROM events'),
      this.probes.count('webhook-dispatcher', 'SELECT coalesce(max(seq), 0) AS n FROM events'),
    ]);
    const [paymentEvents, dispatcherEvents] = await Promise.all([
      this.probes.count('payment-service', 'SELECT count(*) AS n FROM events WHERE global_position <= $1', [paymentPosition]),
      this.probes.count('webhook-dispatcher', 'SELECT count(*) AS n FROM events WHERE seq <= $1', [dispatcherSeq]),
    ]);
    this.mark = { paymentPosition, paymentEvents, dispatcherSeq, dispatcherEvents };
  }

  async read(): Promise<Backlog> {
    const { probes, mark } = this;
    const [requests, processing, outbox, published, ingested, deliveries, unsettled] = await Promise.all([
      probes.count('order-service', 'SELECT count(*) AS n FROM payment_requests'),
      probes.count('payment-service', 'SELECT count(*) AS n FROM processing_jobs'),
      probes.count('payment-service', 'SELECT count(*) AS n FROM outbox'),
      probes.count('payment-service', 'SELECT count(*) AS n FROM events WHERE global_position > $1', [mark.paymentPosition]),
      probes.count('webhook-dispatcher', 'SELECT count(*) AS n FROM events WHERE seq > $1', [mark.dispatcherSeq]),
      probes.count('webhook-dispatcher', `SELECT count(*) AS n FROM deliveries WHERE status = 'pending'`),
      probes.count('order-service', `SELECT count(*) AS n FROM orders WHERE status = 'pending_payment'`),
    ]);
    return {
      'payment requests': requests,
      'payment processing': processing,
      'payment outbox': outbox,
      // Events committed but not yet on Kafka are in the outbox; the rest are in flight.
      'kafka → dispatcher': Math.max(mark.paymentEvents + published - outbox - (mark.dispatcherEvents + ingested), 0),
      'webhook deliveries': deliveries,
      'orders unsettled': unsettled,
    };
  }
}
