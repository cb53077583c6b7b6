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

export async function sampleBacklog(probes: Probes): Promise<Backlog> {
  const [requests, processing, outbox, published, ingested, deliveries, unsettled] = await Promise.all([
    probes.count('order-service', 'SELECT count(*) AS n FROM payment_requests'),
    probes.count('payment-service', 'SELECT count(*) AS n FROM processing_jobs'),
    probes.count('payment-service', 'SELECT count(*) AS n FROM outbox'),
    probes.count('payment-service', 'SELECT count(*) AS n FROM events'),
    probes.count('webhook-dispatcher', 'SELECT count(*) AS n FROM events'),
    probes.count('webhook-dispatcher', `SELECT count(*) AS n FROM deliveries WHERE status = 'pending'`),
    probes.count('order-service', `SELECT count(*) AS n FROM orders WHERE status = 'pending_payment'`),
  ]);
  return {
    'payment requests': requests,
    'payment processing': processing,
    'payment outbox': outbox,
    // Events committed but not yet on Kafka are in the outbox; the rest are in flight.
    'kafka → dispatcher': Math.max(published - outbox - ingested, 0),
    'webhook deliveries': deliveries,
    'orders unsettled': unsettled,
  };
}
