import { TestStack, waitFor, type AppName } from '@payhook/testkit';

// SIGTERM under load: each app stops taking work, finishes or releases what it holds,
// exits 0, and after its restart nothing is left stuck in progress.
const stack = new TestStack({
  label: 'shutdown',
  basePort: 13701,
  env: {
    PAYMENT_PROCESSING_DELAY_MS: '200',
    WEBHOOK_RETRY_SCHEDULE: '200ms,500ms,1s,1s,2s,2s,2s,2s,2s,2s,2s,2s',
    OUTBOX_POLL_INTERVAL_MS: '500',
    WEBHOOK_POLL_INTERVAL_MS: '500',
    PAYMENT_REQUEST_POLL_INTERVAL_MS: '300',
    LOG_LEVEL: 'warn',
  },
});

beforeAll(async () => {
  await stack.start();
}, 120_000);

afterAll(async () => {
  await stack.stop();
}, 60_000);

it('each app exits 0 on SIGTERM under load, and after restart every order settles with nothing stuck', async () => {
  const ids: string[] = [];
  let loading = true;
  const load = (async () => {
    for (let i = 0; loading; i++) {
      try {
        const placed = await stack.call('order-service', 'POST', '/v1/orders', { items: [{ sku: 's', quantity: 1, unitPrice: 100 + i }], currency: 'EUR', paymentMethod: '4242424242424242' }, { 'idempotency-key': `shutdown-${i}` });
        if (placed.status === 201) ids.push(placed.body.id);
        else i -= 1;
      } catch {
        i -= 1; // order-service is restarting: the same key again
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
  })();

  // The load stops whatever happens here, so a failed assertion never leaves it running.
  const exits: Partial<Record<AppName, number | null>> = {};
  try {
    for (const app of ['payment-service', 'webhook-dispatcher', 'order-service'] as AppName[]) {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      exits[app] = await stack.apps[app].stop();
      await stack.apps[app].start();
    }
  } finally {
    loading = false;
    await load;
  }
  expect(exits).toEqual({ 'payment-service': 0, 'webhook-dispatcher': 0, 'order-service': 0 });
  expect(ids.length).toBeGreaterThan(20);

  await waitFor(
    async () => (await stack.count('order-service', `SELECT count(*) AS n FROM orders WHERE status = 'paid'`)) === ids.length,
    { timeoutMs: 60_000, intervalMs: 500, description: `all ${ids.length} orders paid` },
  );
  expect(await stack.count('payment-service', 'SELECT count(*) AS n FROM processing_jobs')).toBe(0);
  expect(await stack.count('payment-service', 'SELECT count(*) AS n FROM outbox')).toBe(0);
  expect(await stack.count('order-service', 'SELECT count(*) AS n FROM payment_requests')).toBe(0);
  await waitFor(
    async () => (await stack.count('webhook-dispatcher', `SELECT count(*) AS n FROM deliveries WHERE status <> 'delivered' OR lease_until IS NOT NULL`)) === 0,
    { timeoutMs: 30_000, intervalMs: 500, description: 'no delivery pending or leased' },
  );
}, 180_000);
