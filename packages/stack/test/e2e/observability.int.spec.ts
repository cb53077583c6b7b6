import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot, TestStack, waitFor, type AppName } from '@payhook/testkit';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

// Metrics and one trace per payment, on the three apps as processes with real Kafka and Postgres.
const stack = new TestStack({ label: 'observability', basePort: 14101, env: { LOG_LEVEL: 'info', PAYMENT_PROCESSING_DELAY_MS: '100' } });
const APPS: AppName[] = ['payment-service', 'webhook-dispatcher', 'order-service'];

beforeAll(async () => {
  await stack.start();
}, 120_000);

afterAll(async () => {
  await stack.stop();
}, 60_000);

async function paidOrder(headers: Record<string, string> = {}): Promise<string> {
  const placed = await stack.call('order-service', 'POST', '/v1/orders', { items: [{ sku: 'tea', quantity: 1, unitPrice: 700 }], currency: 'EUR', paymentMethod: '4242424242424242' }, headers);
  expect(placed.status).toBe(201);
  await stack.orderWhen(placed.body.id, (o) => o.status === 'paid', 'to be paid');
  return placed.body.id;
}

async function metricsOf(app: AppName) {
  const response = await fetch(`${stack.urls[app]}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  return Object.assign(parsePrometheusTextFormat(text), { text });
}

/** The routes of the request histogram's series (the parser folds a histogram's labelled series into one, so read from the text). */
function routesOf(text: string): Array<{ route: string; status: string }> {
  return [...text.matchAll(/^payhook_http_request_duration_seconds_count\{[^}]*route="([^"]*)"[^}]*status_code="([^"]*)"/gm)].map(([, route, status]) => ({ route, status }));
}

/** The value of a counter or gauge sample with these labels, summed over the others. */
function valueOf(families: ReturnType<typeof parsePrometheusTextFormat>, name: string, labels: Record<string, string> = {}): number | undefined {
  const family = families.find((f) => f.name === name);
  if (!family) return undefined;
  const samples = family.metrics.filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v));
  return samples.reduce((sum, m) => sum + Number(m.value), 0);
}

it("one order's traceId, given at POST /v1/orders, is in the logs of all three apps", async () => {
  const traceId = randomBytes(16).toString('hex');
  await paidOrder({ traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` });
  for (const app of APPS) {
    const log = join(repoRoot(), '.payhook', 'logs', `observability-${app}.log`);
    // The dispatcher's attempt line and order-service's webhook line may land a moment after the order shows paid.
    await waitFor(async () => (await readFile(log, 'utf8')).split('\n').some((line) => line.includes(`"traceId":"${traceId}"`)) || undefined, {
      timeoutMs: 5_000,
      description: `${app}'s log to name trace ${traceId}`,
    });
  }
}, 60_000);

it('/metrics of each app parses as Prometheus text and counts what happened, with no ids in labels', async () => {
  await paidOrder();
  // The dispatcher commits its offsets every 100 ms, so its lag reads 0 a moment after the order is paid.
  await waitFor(async () => valueOf(await metricsOf('webhook-dispatcher'), 'payhook_consumer_lag_messages') === 0, {
    timeoutMs: 5_000,
    description: "the dispatcher's consumer lag to be 0",
  });
  const [payments, dispatcher, orders] = await Promise.all(APPS.map(metricsOf));
  for (const families of [payments, dispatcher, orders]) {
    expect(valueOf(families, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(valueOf(families, 'payhook_quarantined_records')).toBe(0);
    expect(families.find((f) => f.name === 'payhook_http_request_duration_seconds')?.type).toBe('HISTOGRAM');
    // Route templates, never a path with an id in it.
    expect(routesOf(families.text).length).toBeGreaterThan(0);
    for (const { route } of routesOf(families.text)) expect(route).not.toMatch(/ord_|pay_|ep_|msg_|[0-9a-f]{32}/);
  }
  expect(routesOf(orders.text)).toContainEqual({ route: '/v1/orders/:id', status: '200' });
  expect(routesOf(orders.text)).toContainEqual({ route: '/webhooks/payments', status: '200' });
  expect(routesOf(payments.text)).toContainEqual({ route: '/v1/payments', status: '201' });
  expect(valueOf(orders, 'payhook_webhooks_applied_total', { result: 'applied' })).toBeGreaterThanOrEqual(1);
  expect(valueOf(dispatcher, 'payhook_delivery_attempts_total', { outcome: 'delivered' })).toBeGreaterThanOrEqual(1);
  expect(dispatcher.find((f) => f.name === 'payhook_delivery_attempt_duration_seconds')?.type).toBe('HISTOGRAM');
  expect(valueOf(dispatcher, 'payhook_deliveries_waiting', { status: 'held' })).toBe(0);
  expect(valueOf(dispatcher, 'payhook_consumer_lag_messages')).toBe(0);
  expect(valueOf(payments, 'payhook_outbox_depth')).toBe(0);
  expect(valueOf(payments, 'payhook_outbox_oldest_age_seconds')).toBe(0);
}, 60_000);
