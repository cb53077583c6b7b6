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

const count = async (stack: TestStack, app: Parameters<TestStack['query']>[0], sql: string) =>
  Number((await stack.query<{ n: string }>(app, sql))[0].n);

export async function sampleBacklog(stack: TestStack): Promise<Backlog> {
  const [requests, processing, outbox, published, ingested, deliveries, unsettled] = await Promise.all([
    count(stack, 'order-service', 'SELECT count(*) AS n FROM payment_requests'),
    count(stack, 'payment-service', 'SELECT count(*) AS n FROM processing_jobs'),
    count(stack, 'payment-service', 'SELECT count(*) AS n FROM outbox'),
    count(stack, 'payment-service', 'SELECT count(*) AS n FROM events'),
    count(stack, 'webhook-dispatcher', 'SELECT count(*) AS n FROM events'),
    count(stack, 'webhook-dispatcher', `SELECT count(*) AS n FROM deliveries WHERE status = 'pending'`),
    count(stack, 'order-service', `SELECT count(*) AS n FROM orders WHERE status = 'pending_payment'`),
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
