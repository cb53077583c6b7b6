import { TestStack, waitFor } from '@payhook/testkit';

// Outages longer than a kill: order-service's endpoint disabled while an order is paid.
// Its webhook waits, held, for the endpoint; and an order whose webhook never comes is
// settled by reconciliation against payment-service's API.
const stack = new TestStack({
  label: 'outage',
  basePort: 13901,
  env: {
    PAYMENT_PROCESSING_DELAY_MS: '200',
    WEBHOOK_RETRY_SCHEDULE: '200ms,500ms,1s,1s,2s',
    OUTBOX_POLL_INTERVAL_MS: '500',
    WEBHOOK_POLL_INTERVAL_MS: '500',
    PAYMENT_REQUEST_POLL_INTERVAL_MS: '300',
    ORDER_RECONCILE_AFTER: '6s',
    ORDER_RECONCILE_EVERY: '2s',
    LOG_LEVEL: 'warn',
  },
});

beforeAll(() => stack.start(), 120_000);
afterAll(() => stack.stop(), 60_000);

async function place(): Promise<string> {
  const placed = await stack.call('order-service', 'POST', '/v1/orders', { items: [{ sku: 'lamp', quantity: 1, unitPrice: 4200 }], currency: 'EUR', paymentMethod: '4242424242424242' });
  expect(placed.status).toBe(201);
  return placed.body.id;
}

interface Order {
  status: string;
  history: Array<{ status: string; cause: string }>;
}

const setEndpoint = async (status: 'enabled' | 'disabled') => {
  const patched = await stack.call('webhook-dispatcher', 'PATCH', `/v1/endpoints/${await stack.orderServiceEndpoint()}`, { status });
  expect([patched.status, patched.body.status]).toEqual([200, status]);
};

it('an order paid while its endpoint is disabled for 4 s is paid by its webhook once the endpoint is enabled', async () => {
  await setEndpoint('disabled');
  let id: string;
  try {
    id = await place();
    await waitFor(async () => (await stack.count('webhook-dispatcher', `SELECT count(*) AS n FROM deliveries WHERE status = 'held'`)) > 0, {
      timeoutMs: 15_000,
      description: 'the payment webhooks held for the disabled endpoint',
    });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect((await stack.call('order-service', 'GET', `/v1/orders/${id}`)).body.status).toBe('pending_payment');
  } finally {
    await setEndpoint('enabled');
  }
  const paid = await stack.orderWhen<Order>(id, (o) => o.status === 'paid', 'paid');
  expect(paid.history.map((h) => h.cause)).toEqual(['order.placed', 'payment.succeeded']);
}, 60_000);

it('an order whose webhook never comes is paid by reconciliation, marked as such in its history', async () => {
  await setEndpoint('disabled');
  try {
    const id = await place();
    const paid = await stack.orderWhen<Order>(id, (o) => o.status === 'paid', 'paid by reconciliation');
    expect(paid.history.map((h) => [h.status, h.cause])).toEqual([
      ['pending_payment', 'order.placed'],
      ['paid', 'reconciliation'],
    ]);
    // The webhook, sent once the endpoint is enabled, changes nothing more.
    await setEndpoint('enabled');
    await waitFor(async () => (await stack.count('webhook-dispatcher', `SELECT count(*) AS n FROM deliveries WHERE status <> 'delivered'`)) === 0, {
      timeoutMs: 20_000,
      description: 'every held webhook delivered',
    });
    const after = (await stack.call('order-service', 'GET', `/v1/orders/${id}`)).body;
    expect(after.history).toHaveLength(2);
    expect(after.status).toBe('paid');
  } finally {
    await setEndpoint('enabled');
  }
}, 60_000);
