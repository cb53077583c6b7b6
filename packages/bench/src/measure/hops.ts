import type { TestStack } from '@payhook/testkit';
import { ratePerSecond, summarize, type Summary } from '../stats/summary';

/** The moments one payment.succeeded event passed, in ms since the epoch. */
export interface EventJourney {
  orderId: string;
  scheduledAt: number;
  eventCommitted: number;
  publishedToKafka: number;
  deliveryRowCommitted: number;
  /** The start of the attempt that order-service answered with a 2xx. */
  webhookSent: number;
  webhookReceived: number;
  orderCommitted: number;
}

export const HOPS = ['outbox → Kafka', 'Kafka → delivery row', 'delivery row → webhook sent', 'sent → received by order-service', 'received → order committed'] as const;

export interface HopReport {
  /** Payment event commit to order update commit. */
  endToEnd: Summary;
  /** Order scheduled by the load generator to order update commit (open loop). */
  orderLatency: Summary;
  hops: Record<(typeof HOPS)[number], Summary>;
  /** Events per second through each stage over the phase. */
  stageRates: Record<string, number>;
}

const epochMs = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * Follows the payment.succeeded event of each order through the three databases: its
 * commit in payment-service, the Kafka record's timestamp, the delivery row and its
 * delivered attempt in the dispatcher, and the inbox entry and order change in
 * order-service. The inbox entry is stamped by the transaction that applied the webhook, so
 * "sent → received" holds the POST and the receiver's wait for that transaction.
 */
export async function followEvents(stack: TestStack, scheduled: Map<string, number>): Promise<EventJourney[]> {
  const [registration] = await stack.query<{ endpoint_id: string }>('order-service', 'SELECT endpoint_id FROM webhook_registration');
  const [events, deliveries, changes] = await Promise.all([
    stack.query<{ event_id: string; order_id: string; at: number }>(
      'payment-service',
      // The order id is on the payment's first event.
      `SELECT s.event_id::text, c.data->>'orderId' AS order_id, ${epochMs('s.created_at')} AS at
       FROM events s JOIN events c ON c.stream_id = s.stream_id AND c.type = 'payment.created'
       WHERE s.type = 'payment.succeeded'`,
    ),
    stack.query<{ id: string; event_id: string; published: number; created: number; sent: number }>(
      'webhook-dispatcher',
      `SELECT d.id, d.event_id, ${epochMs('e.published_at')} AS published, ${epochMs('d.created_at')} AS created, ${epochMs('a.attempted_at')} AS sent
       FROM deliveries d JOIN events e ON e.id = d.event_id
       JOIN delivery_attempts a ON a.delivery_id = d.id AND a.status_code BETWEEN 200 AND 299
       WHERE d.endpoint_id = $1 AND d.event_type = 'payment.succeeded'`,
      [registration.endpoint_id],
    ),
    stack.query<{ webhook_id: string; received: number; committed: number }>(
      'order-service',
      `SELECT h.webhook_id, ${epochMs('i.received_at')} AS received, ${epochMs('h.at')} AS committed
       FROM order_history h JOIN inbox i ON i.webhook_id = h.webhook_id WHERE h.status = 'paid'`,
    ),
  ]);
  const deliveryByEvent = new Map(deliveries.map((d) => [d.event_id, d]));
  const changeByWebhook = new Map(changes.map((c) => [c.webhook_id, c]));
  const journeys: EventJourney[] = [];
  for (const event of events) {
    const scheduledAt = scheduled.get(event.order_id);
    const delivery = deliveryByEvent.get(event.event_id);
    const change = delivery && changeByWebhook.get(delivery.id);
    if (scheduledAt === undefined || !delivery || !change) continue;
    journeys.push({
      orderId: event.order_id,
      scheduledAt,
      eventCommitted: event.at,
      publishedToKafka: delivery.published,
      deliveryRowCommitted: delivery.created,
      webhookSent: delivery.sent,
      webhookReceived: change.received,
      orderCommitted: change.committed,
    });
  }
  return journeys;
}

export function hopReport(journeys: EventJourney[]): HopReport {
  const series = (f: (j: EventJourney) => number) => journeys.map(f);
  return {
    endToEnd: summarize(series((j) => j.orderCommitted - j.eventCommitted)),
    orderLatency: summarize(series((j) => j.orderCommitted - j.scheduledAt)),
    hops: {
      'outbox → Kafka': summarize(series((j) => j.publishedToKafka - j.eventCommitted)),
      'Kafka → delivery row': summarize(series((j) => j.deliveryRowCommitted - j.publishedToKafka)),
      'delivery row → webhook sent': summarize(series((j) => j.webhookSent - j.deliveryRowCommitted)),
      'sent → received by order-service': summarize(series((j) => j.webhookReceived - j.webhookSent)),
      'received → order committed': summarize(series((j) => j.orderCommitted - j.webhookReceived)),
    },
    stageRates: {
      'payment events committed': ratePerSecond(series((j) => j.eventCommitted)),
      'published to Kafka': ratePerSecond(series((j) => j.publishedToKafka)),
      'delivery rows committed': ratePerSecond(series((j) => j.deliveryRowCommitted)),
      'webhooks received': ratePerSecond(series((j) => j.webhookReceived)),
      'orders committed': ratePerSecond(series((j) => j.orderCommitted)),
    },
  };
}
