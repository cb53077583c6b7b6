import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasErrorShape, queryDatabase, repoRoot, TEST_DISPATCHER_API_KEY, TEST_PAYMENT_API_KEY, TestStack, type AppName } from '@payhook/testkit';
import { badInputs, type BadInput, type FieldSpec } from './inputs';

// Every public route of the three apps, fed bad input. Each answer must be a 4xx in the
// JSON error shape, no 5xx, nothing may change, and every app must stay healthy.
const stack = new TestStack({ label: 'badinput', basePort: 13601, env: { LOG_LEVEL: 'info' } });
const KEYS: Record<AppName, string | undefined> = {
  'payment-service': TEST_PAYMENT_API_KEY,
  'webhook-dispatcher': TEST_DISPATCHER_API_KEY,
  'order-service': undefined,
};
const ODD_IDS = ["' OR 1=1 --", '%00', '..%2F..%2Fetc%2Fpasswd', encodeURIComponent('𝕳𝖊𝖑𝖑𝖔'), 'x'.repeat(5000), 'pay_00000000000000000000000000000000'];

interface Route {
  app: AppName;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** `:id` is replaced by ids that do not exist (and odd ones). */
  path: string;
  body?: { valid: Record<string, unknown>; fields: Record<string, FieldSpec> };
  queries?: string[];
  /** Management routes need the app's API key. */
  auth: boolean;
}

const paymentEvent = {
  id: 'evt_1',
  type: 'payment.succeeded',
  createdAt: '2026-01-01T00:00:00Z',
  data: { object: { id: 'pay_1', orderId: 'ord_1', amount: 100, currency: 'EUR', status: 'succeeded', version: 2 } },
};
const amountOnly = { valid: { amount: 100 }, fields: { amount: { kind: 'integer' as const } } };

const ROUTES: Route[] = [
  {
    app: 'payment-service',
    method: 'POST',
    path: '/v1/payments',
    auth: true,
    body: {
      valid: { orderId: 'ord_bad', amount: 1000, currency: 'EUR', paymentMethod: '4242424242424242' },
      fields: {
        orderId: { kind: 'string', required: true },
        amount: { kind: 'integer', required: true },
        currency: { kind: 'string', required: true, formatted: true },
        paymentMethod: { kind: 'string', required: true, formatted: true },
        captureMethod: { kind: 'string', formatted: true },
        metadata: { kind: 'object' },
      },
    },
  },
  { app: 'payment-service', method: 'GET', path: '/v1/payments', auth: true, queries: ['', '?orderId=', '?orderId[]=a', '?foo=1', `?orderId=${'x'.repeat(5000)}`] },
  { app: 'payment-service', method: 'GET', path: '/v1/payments/:id', auth: true },
  { app: 'payment-service', method: 'GET', path: '/v1/payments/:id/events', auth: true },
  { app: 'payment-service', method: 'POST', path: '/v1/payments/:id/capture', auth: true, body: amountOnly },
  { app: 'payment-service', method: 'POST', path: '/v1/payments/:id/cancel', auth: true, body: { valid: {}, fields: {} } },
  { app: 'payment-service', method: 'POST', path: '/v1/payments/:id/refunds', auth: true, body: amountOnly },
  ...(['/v1/endpoints', '/v1/webhooks/register'] as const).map(
    (path): Route => ({
      app: 'webhook-dispatcher',
      method: 'POST',
      path,
      auth: true,
      body: {
        valid: { url: 'https://example.com/hooks' },
        fields: {
          url: { kind: 'string', required: true, formatted: true },
          eventTypes: { kind: 'array', formatted: true },
          description: { kind: 'string' },
          secret: { kind: 'string', formatted: true },
          rateLimitPerSecond: { kind: 'integer' },
        },
      },
    }),
  ),
  { app: 'webhook-dispatcher', method: 'GET', path: '/v1/endpoints', auth: true },
  { app: 'webhook-dispatcher', method: 'GET', path: '/v1/endpoints/:id', auth: true },
  {
    app: 'webhook-dispatcher',
    method: 'PATCH',
    path: '/v1/endpoints/:id',
    auth: true,
    body: { valid: { description: 'x' }, fields: { url: { kind: 'string', formatted: true }, status: { kind: 'string', formatted: true } } },
  },
  { app: 'webhook-dispatcher', method: 'DELETE', path: '/v1/endpoints/:id', auth: true },
  { app: 'webhook-dispatcher', method: 'POST', path: '/v1/endpoints/:id/secret/rotate', auth: true },
  { app: 'webhook-dispatcher', method: 'GET', path: '/v1/endpoints/:id/deliveries', auth: true, queries: ['?status=lost', '?limit=0', '?limit=abc', '?limit=100000', '?x=1'] },
  { app: 'webhook-dispatcher', method: 'GET', path: '/v1/deliveries/:id', auth: true },
  {
    app: 'webhook-dispatcher',
    method: 'GET',
    path: '/v1/events',
    auth: true,
    queries: ['?since=yesterday', '?until=2026-13-01', '?type=payment.lost', '?order=sideways', '?limit=0', '?limit=abc', '?cursor=forged', `?cursor=${'x'.repeat(600)}`, '?x=1'],
  },
  { app: 'webhook-dispatcher', method: 'GET', path: '/v1/event-types', auth: true },
  { app: 'webhook-dispatcher', method: 'GET', path: '/v1/quarantine', auth: true, queries: ['?limit=0', '?limit=abc', '?x=1'] },
  { app: 'webhook-dispatcher', method: 'POST', path: '/v1/deliveries/:id/retry', auth: true, body: { valid: {}, fields: {} } },
  {
    app: 'webhook-dispatcher',
    method: 'POST',
    path: '/v1/endpoints/:id/recover',
    auth: true,
    body: { valid: { since: '2026-01-01T00:00:00Z' }, fields: { since: { kind: 'string', required: true, formatted: true }, until: { kind: 'string', formatted: true } } },
  },
  {
    app: 'order-service',
    method: 'POST',
    path: '/v1/orders',
    auth: false,
    body: {
      valid: { items: [{ sku: 'a', quantity: 1, unitPrice: 100 }], currency: 'EUR', paymentMethod: '4242424242424242' },
      fields: {
        items: { kind: 'array', required: true, formatted: true },
        currency: { kind: 'string', required: true, formatted: true },
        paymentMethod: { kind: 'string', required: true, formatted: true },
      },
    },
  },
  { app: 'order-service', method: 'GET', path: '/v1/orders', auth: false, queries: ['?status=lost', '?limit=-1', '?limit=1e9', '?status[]=paid', '?x=1'] },
  { app: 'order-service', method: 'GET', path: '/v1/orders/:id', auth: false },
  { app: 'order-service', method: 'GET', path: '/v1/orders/:id/stream', auth: false },
  {
    app: 'order-service',
    method: 'POST',
    path: '/webhooks/payments',
    auth: false,
    body: { valid: paymentEvent, fields: { id: { kind: 'string', required: true }, type: { kind: 'string', required: true, formatted: true }, data: { kind: 'object', required: true } } },
  },
  { app: 'order-service', method: 'POST', path: '/v1/webhook-registration/rotate-secret', auth: true },
];

async function counts(): Promise<Record<string, number>> {
  const tables: Array<[string, string]> = [
    [stack.env.PAYMENT_DATABASE_NAME, 'events'],
    [stack.env.PAYMENT_DATABASE_NAME, 'idempotency_keys'],
    [stack.env.DISPATCHER_DATABASE_NAME, 'endpoints'],
    [stack.env.DISPATCHER_DATABASE_NAME, 'endpoint_secrets'],
    [stack.env.DISPATCHER_DATABASE_NAME, 'deliveries'],
    [stack.env.ORDER_DATABASE_NAME, 'orders'],
    [stack.env.ORDER_DATABASE_NAME, 'inbox'],
    [stack.env.ORDER_DATABASE_NAME, 'webhook_secrets'],
  ];
  const result: Record<string, number> = {};
  for (const [database, table] of tables) {
    const [row] = await queryDatabase<{ n: number }>(database, `SELECT count(*)::int AS n FROM ${table}`);
    result[`${database}.${table}`] = row.n;
  }
  return result;
}

interface Attempt {
  label: string;
  method: string;
  path: string;
  body?: string;
  contentType?: string;
  authorization?: string;
}

function attemptsFor(route: Route): Attempt[] {
  const key = KEYS[route.app];
  const authorization = route.auth && key ? `Bearer ${key}` : undefined;
  const paths = route.path.includes(':id') ? ['does_not_exist', ...ODD_IDS].map((id) => route.path.replace(':id', id)) : [route.path];
  const attempts: Attempt[] = [];
  for (const path of paths) {
    const base = { method: route.method, path, authorization };
    if (route.body) {
      for (const input of badInputs(route.body.valid, route.body.fields) as BadInput[]) attempts.push({ ...base, ...input });
    } else if (route.method === 'GET' || route.method === 'DELETE') {
      if (route.path.includes(':id')) attempts.push({ ...base, label: 'unknown or odd id' });
    }
    if (!route.path.includes(':id') || path === paths[0]) {
      for (const query of route.queries ?? []) attempts.push({ ...base, path: `${path}${query}`, label: `query ${query.slice(0, 20)}` });
    }
  }
  const [first] = paths;
  if (route.auth) {
    for (const header of [undefined, 'Bearer wrong-key-0123456789', 'Basic dXNlcjpwYXNz', 'Bearer ', `bearer ${key}x`]) {
      attempts.push({ label: `authorization ${JSON.stringify(header)}`, method: route.method, path: first, authorization: header, body: route.method === 'POST' || route.method === 'PATCH' ? '{}' : undefined });
    }
  }
  for (const method of ['PUT', 'OPTIONS', 'HEAD'].filter((m) => m !== route.method)) {
    attempts.push({ label: `method ${method}`, method, path: first, authorization });
  }
  return attempts;
}

type OpenApiPaths = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
const documents = {} as Record<AppName, OpenApiPaths>;

/** Whether the app's OpenAPI document lists `status` among the route's answers. */
function documented(route: Route, status: number): boolean {
  const operation = documents[route.app].paths[route.path.replace(':id', '{id}')]?.[route.method.toLowerCase()];
  return operation !== undefined && String(status) in operation.responses;
}

beforeAll(async () => {
  await stack.start();
  for (const app of Object.keys(stack.urls) as AppName[]) documents[app] = (await (await fetch(`${stack.urls[app]}/docs/openapi.json`)).json()) as OpenApiPaths;
}, 120_000);

afterAll(async () => {
  await stack.stop();
}, 60_000);

it('refuses every bad input with a 4xx JSON error, changes nothing, and stays healthy', async () => {
  // Wait until order-service has registered, so its own registration is not counted as a change.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const before = await counts();
  const report: string[] = [];
  const failures: string[] = [];
  for (const route of ROUTES) {
    const attempts = attemptsFor(route);
    for (const attempt of attempts) {
      const headers: Record<string, string> = {};
      if (attempt.authorization !== undefined) headers.authorization = attempt.authorization;
      if (attempt.body !== undefined) headers['content-type'] = attempt.contentType ?? 'application/json';
      const response = await fetch(`${stack.urls[route.app]}${attempt.path}`, { method: attempt.method, headers, body: attempt.body });
      const text = await response.text();
      const shaped = hasErrorShape(text);
      // The route's own method: its answer must be one its OpenAPI document lists.
      if (attempt.method === route.method && !documented(route, response.status)) {
        failures.push(`${route.app} ${route.method} ${route.path} [${attempt.label}] → ${response.status}, which its OpenAPI document does not list`);
      }
      // OPTIONS and HEAD are answered by the HTTP layer itself (HEAD has no body); what matters there is no 5xx and no effect.
      const methodProbe = attempt.method === 'OPTIONS' || attempt.method === 'HEAD';
      if (response.status >= 500 || (!methodProbe && (response.status < 400 || !shaped))) {
        failures.push(`${route.app} ${attempt.method} ${attempt.path.slice(0, 60)} [${attempt.label}] → ${response.status} ${text.slice(0, 120)}`);
      }
    }
    report.push(`  ${route.app.padEnd(18)} ${route.method.padEnd(6)} ${route.path.padEnd(40)} ${attempts.length} inputs`);
  }
  const total = ROUTES.reduce((sum, r) => sum + attemptsFor(r).length, 0);
  process.stdout.write(`bad-input suite: ${total} inputs over ${ROUTES.length} routes\n${report.join('\n')}\n`);
  expect(failures).toEqual([]);
  expect(await counts()).toEqual(before);
  for (const app of Object.keys(stack.urls) as AppName[]) {
    expect((await fetch(`${stack.urls[app]}/health`)).status).toBe(200);
  }
}, 300_000);

it('never shows a webhook secret in a log, or in any answer but creation and rotation', async () => {
  const secrets = (await stack.query<{ secret: string }>('order-service', 'SELECT secret FROM webhook_secrets')).map((r) => r.secret);
  expect(secrets.length).toBeGreaterThan(0);
  const created = await stack.call('webhook-dispatcher', 'POST', '/v1/endpoints', { url: 'https://example.com/secret-check' });
  secrets.push(created.body.secret);
  const answers = [
    await stack.call('webhook-dispatcher', 'GET', '/v1/endpoints'),
    await stack.call('webhook-dispatcher', 'GET', `/v1/endpoints/${created.body.id}`),
    await stack.call('webhook-dispatcher', 'PATCH', `/v1/endpoints/${created.body.id}`, { description: 'checked' }),
  ];
  const logs = (Object.keys(stack.urls) as AppName[]).map((app) => readFileSync(join(repoRoot(), '.payhook', 'logs', `badinput-${app}.log`), 'utf8'));
  for (const secret of secrets) {
    for (const answer of answers) expect(JSON.stringify(answer.body)).not.toContain(secret);
    for (const log of logs) expect(log).not.toContain(secret);
  }
});
