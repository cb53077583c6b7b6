import type { TestStack } from './test-stack';

/**
 * The correctness ledger of a run through the whole stack (the fault-injection run, the
 * benchmark): what was done, what came out, and whether the promise held —
 * nothing lost, nothing applied twice.
 */
export interface Ledger {
  ordersPlaced: number;
  ordersInCorrectFinalState: number;
  /** Of the types order-service subscribes to. */
  eventsPublished: number;
  eventsDeliveredToOrderService: number;
  deliveriesMade: number;
  duplicateDeliveriesSeen: number;
  lostOrders: number;
  lostEvents: number;
  duplicatePayments: number;
  duplicateOrderChanges: number;
  /** Records the three apps' workers set aside (poison), counted apart from the good ones. */
  quarantined: number;
  faults: Record<string, number>;
}

export function lost(ledger: Ledger): number {
  return ledger.lostOrders + ledger.lostEvents;
}

export function duplicateEffects(ledger: Ledger): number {
  return ledger.duplicatePayments + ledger.duplicateOrderChanges;
}

export interface LedgerInput {
  /** Final order status expected for each order the client got an id for. */
  expected: Map<string, string>;
  /** Orders the client never got accepted: lost as far as the client knows. */
  placementFailures: number;
  faults?: Record<string, number>;
}

/** Counts orders settled correctly per the order-service's database. */
export async function settledOrders(stack: TestStack, expected: Map<string, string>): Promise<number> {
  const rows = await stack.query<{ id: string; status: string }>('order-service', 'SELECT id, status FROM orders');
  return rows.filter((r) => expected.get(r.id) === r.status).length;
}

/** Reads the ledger from the three apps' databases once the run has settled. */
export async function collectLedger(stack: TestStack, input: LedgerInput): Promise<Ledger> {
  const [registration] = await stack.query<{ endpoint_id: string }>('order-service', 'SELECT endpoint_id FROM webhook_registration');
  // The event types order-service subscribes to (null: all): the others are not its to receive.
  const [endpoint] = await stack.query<{ event_types: string[] | null }>('webhook-dispatcher', 'SELECT event_types FROM endpoints WHERE id = $1', [
    registration?.endpoint_id,
  ]);
  // An event set aside (its payment's processing, or its publication) is quarantined, not lost.
  const published = await stack.query<{ event_id: string }>(
    'payment-service',
    `SELECT event_id::text FROM events e WHERE ($1::text[] IS NULL OR e.type = ANY($1)) AND NOT EXISTS (
       SELECT 1 FROM quarantine q WHERE (q.worker = 'processing' AND q.record_id = e.stream_id) OR (q.worker = 'outbox-relay' AND q.record_id = e.event_id::text))`,
    [endpoint?.event_types ?? null],
  );
  let quarantined = 0;
  for (const app of ['payment-service', 'webhook-dispatcher', 'order-service'] as const) {
    quarantined += await stack.count(app, 'SELECT count(*) AS n FROM quarantine');
  }
  const delivered = new Set(
    (
      await stack.query<{ event_id: string }>('webhook-dispatcher', `SELECT event_id FROM deliveries WHERE endpoint_id = $1 AND status = 'delivered'`, [
        registration?.endpoint_id,
      ])
    ).map((r) => r.event_id),
  );
  const settled = await settledOrders(stack, input.expected);
  return {
    ordersPlaced: input.expected.size,
    ordersInCorrectFinalState: settled,
    eventsPublished: published.length,
    eventsDeliveredToOrderService: delivered.size,
    deliveriesMade: await stack.count('webhook-dispatcher', 'SELECT count(*) AS n FROM delivery_attempts WHERE status_code BETWEEN 200 AND 299'),
    duplicateDeliveriesSeen: await stack.count('order-service', 'SELECT COALESCE(sum(duplicates), 0) AS n FROM inbox'),
    lostOrders: input.expected.size - settled + input.placementFailures,
    lostEvents: published.filter((e) => !delivered.has(e.event_id)).length,
    duplicatePayments: await stack.count(
      'payment-service',
      `SELECT count(*) AS n FROM (SELECT data->>'orderId' FROM events WHERE type = 'payment.created' GROUP BY 1 HAVING count(*) > 1) AS twice`,
    ),
    duplicateOrderChanges: await stack.count(
      'order-service',
      'SELECT count(*) AS n FROM (SELECT order_id, status FROM order_history GROUP BY order_id, status HAVING count(*) > 1) AS twice',
    ),
    quarantined,
    faults: input.faults ?? {},
  };
}

export function formatLedger(title: string, ledger: Ledger): string {
  const rows: Array<[string, number | string]> = [
    ['orders placed', ledger.ordersPlaced],
    ['orders in the correct final state', ledger.ordersInCorrectFinalState],
    ['payment events published (of the types order-service takes)', ledger.eventsPublished],
    ['events delivered to order-service', ledger.eventsDeliveredToOrderService],
    ['deliveries made (2xx)', ledger.deliveriesMade],
    ['duplicate deliveries seen by order-service', ledger.duplicateDeliveriesSeen],
    ['LOST (orders not settled + events not delivered)', lost(ledger)],
    ['DUPLICATE EFFECTS (second payments + changes applied twice)', duplicateEffects(ledger)],
    ['records quarantined (poison, set aside with a reason)', ledger.quarantined],
    ...Object.entries(ledger.faults).map(([kind, n]): [string, number] => [`faults: ${kind}`, n]),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [title, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`)].join('\n');
}
