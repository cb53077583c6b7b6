import type { TestStack } from '@payhook/testkit';

/** Work waiting at each stage of the pipeline, in the order an order passes them. */
export interface Backlog {
  'payment requests': number;
  'payment processing': number;
  'payment outbox': number;
  'kafka → dispatcher': number;
  'webhook deliveries': number;
  'orders unsettled': number;
}

export async function sampleBacklog(stack: TestStack): Promise<Backlog> {
  const [requests, processing, outbox, published, ingested, deliveries, unsettled] = await Promise.all([
    stack.count('order-service', 'SELECT count(*) AS n FROM payment_requests'),
    stack.count('payment-service', 'SELECT count(*) AS n FROM processing_jobs'),
    stack.count('payment-service', 'SELECT count(*) AS n FROM outbox'),
    stack.count('payment-service', 'SELECT count(*) AS n FROM events'),
    stack.count('webhook-dispatcher', 'SELECT count(*) AS n FROM events'),
    stack.count('webhook-dispatcher', `SELECT count(*) AS n FROM deliveries WHERE status = 'pending'`),
    stack.count('order-service', `SELECT count(*) AS n FROM orders WHERE status = 'pending_payment'`),
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
