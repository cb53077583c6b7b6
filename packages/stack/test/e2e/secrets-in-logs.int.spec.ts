import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, TEST_DISPATCHER_API_KEY, TestStack, type AppName } from '@payhook/testkit';

// Secrets never in logs: every insert that carries a webhook secret or a card number is made
// to fail inside Postgres (a trigger raising the error Postgres itself raises for a bad row,
// quoting the row), and each app's log must show the failure without the values.
const stack = new TestStack({ label: 'secrets', basePort: 14001, env: { LOG_LEVEL: 'info', PAYMENT_REQUEST_POLL_INTERVAL_MS: '200' } });
const SECRET = `whsec_${Buffer.alloc(32, 0x5a).toString('base64')}`;
const ORDER_CARD = '4000000000009995';
const PAYMENT_CARD = '4000000000000127';

/** A BEFORE INSERT trigger that fails the row the way a check constraint would, quoting it. */
async function failInserts(app: AppName, table: string): Promise<void> {
  await stack.query(app, `
    CREATE OR REPLACE FUNCTION payhook_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION USING ERRCODE = '23514',
        MESSAGE = format('new row for relation "%s" violates check constraint "forced": "%s"', TG_TABLE_NAME, NEW),
        DETAIL = format('Failing row contains %s.', NEW);
    END $$`);
  await stack.query(app, `CREATE TRIGGER payhook_test_fail BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION payhook_test_fail()`);
}

const logFile = (app: AppName) => join(repoRoot(), '.payhook', 'logs', `secrets-${app}.log`);
const log = (app: AppName) => readFileSync(logFile(app), 'utf8');

beforeAll(async () => {
  // Only this run's lines: an earlier run's log is emptied first.
  for (const app of ['payment-service', 'webhook-dispatcher', 'order-service'] as const) rmSync(logFile(app), { force: true });
  await stack.start();
}, 120_000);
afterAll(() => stack.stop(), 60_000);

it('logs each failed insert of a secret or a card number without the value', async () => {
  const endpointId = await stack.orderServiceEndpoint();
  await failInserts('webhook-dispatcher', 'endpoint_secrets');
  await failInserts('order-service', 'payment_requests');
  await failInserts('order-service', 'webhook_secrets');
  await failInserts('payment-service', 'events');

  const endpoint = await stack.call('webhook-dispatcher', 'POST', '/v1/endpoints', { url: 'https://example.com/hook', secret: SECRET });
  const order = await stack.call('order-service', 'POST', '/v1/orders', { items: [{ sku: 's', quantity: 1, unitPrice: 100 }], currency: 'EUR', paymentMethod: ORDER_CARD });
  const payment = await stack.call('payment-service', 'POST', '/v1/payments', { orderId: 'ord_x', amount: 100, currency: 'EUR', paymentMethod: PAYMENT_CARD });
  // Rotation: the dispatcher stores the new secret (its trigger is gone by now), order-service fails to.
  await stack.query('webhook-dispatcher', 'DROP TRIGGER payhook_test_fail ON endpoint_secrets');
  const rotation = await stack.call('order-service', 'POST', '/v1/webhook-registration/rotate-secret', undefined, { authorization: `Bearer ${TEST_DISPATCHER_API_KEY}` });
  const [rotated] = await stack.query<{ secret: string }>('webhook-dispatcher', 'SELECT secret FROM endpoint_secrets WHERE endpoint_id = $1 ORDER BY id DESC LIMIT 1', [endpointId]);

  // Forced database failures are the server's: 500 with the generic error body, no detail.
  for (const response of [endpoint, order, payment, rotation]) {
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.body)).not.toMatch(/whsec_|4000000000/);
  }
  const logs = { dispatcher: log('webhook-dispatcher'), orders: log('order-service'), payments: log('payment-service') };
  expect(logs.dispatcher).toContain('endpoint_secrets');
  expect(logs.orders).toContain('payment_requests');
  expect(logs.orders).toContain('webhook_secrets');
  expect(logs.payments).toContain('23514');
  for (const text of Object.values(logs)) {
    for (const value of [SECRET, ORDER_CARD, PAYMENT_CARD, rotated.secret]) expect(text).not.toContain(value);
  }
}, 60_000);
