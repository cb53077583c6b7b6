import fc from 'fast-check';
import { Client } from 'pg';
import { hasErrorShape, sendWebhook, TEST_DISPATCHER_API_KEY, TEST_PAYMENT_API_KEY, testDatabaseUrl, TestStack, type AppName } from '@payhook/testkit';

/**
 * Generated requests (fast-check) over every public route of the three apps: JSON values,
 * strings (NUL, lone surrogates, control characters, every length limit), huge numbers,
 * deep nesting, odd headers and ids. Each must be answered 2xx, or 4xx in the JSON error
 * shape; a refused request must change no row; every app must stay healthy.
 * `npm test` tries FUZZ_REQUESTS=2000; `npm run test:fuzz` 10,000.
 */
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 2000);
const stack = new TestStack({
  label: 'fuzz',
  basePort: 13801,
  env: {
    // Nothing happens behind a request's back: payments never finish processing and
    // order-service's payment requests go nowhere, so row counts move only with answers.
    PAYMENT_PROCESSING_DELAY_MS: '600000',
    PAYMENT_SERVICE_URL: 'http://127.0.0.1:9',
    LOG_LEVEL: 'warn',
  },
});
const KEYS: Record<AppName, string> = {
  'payment-service': TEST_PAYMENT_API_KEY,
  'webhook-dispatcher': TEST_DISPATCHER_API_KEY,
  'order-service': TEST_DISPATCHER_API_KEY,
};
/** Tables a request to each app may change synchronously (queues drained in the background are left out). */
const TABLES: Record<AppName, string[]> = {
  'payment-service': ['events', 'processing_jobs', 'idempotency_keys', 'quarantine'],
  'webhook-dispatcher': ['endpoints', 'endpoint_secrets', 'idempotency_keys', 'quarantine'],
  'order-service': ['orders', 'order_history', 'payment_requests', 'inbox', 'webhook_secrets', 'idempotency_keys', 'quarantine'],
};

// ---- arbitraries -----------------------------------------------------------------------
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const oddChar = fc.oneof(fc.constantFrom('\u0000', '\u0001', '\n', '\u202e', '\ufeff', '🙂', '"', '\\', "'"), loneSurrogate);
const oddString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: fc.oneof(oddChar, fc.string({ minLength: 1, maxLength: 1 })), maxLength: 40 }),
  // Around every length limit (40, 64, 100, 255, 500, 2048…).
  fc.integer({ min: 0, max: 2100 }).map((n) => 'x'.repeat(n)),
  fc.constantFrom('', ' ', 'constructor', '__proto__', 'toString', '../../etc/passwd', "' OR 1=1 --"),
);
const oddNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53, 99_999_999, 100_000_000, 3_000_000_000, 1.5),
);
const anyJson = fc.jsonValue({ maxDepth: 3 });
const deep = fc.integer({ min: 20, max: 3000 }).map((depth) => {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
});
const fieldValue = (valid: unknown) => fc.oneof({ weight: 3, arbitrary: fc.constant(valid) }, oddString, oddNumber, anyJson, deep, fc.constant(null));

/** A body near a valid one: each field kept, dropped or replaced; sometimes an extra field; sometimes anything at all. */
function bodyNear(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const fields = Object.fromEntries(Object.entries(valid).map(([k, v]) => [k, fieldValue(v)]));
  const near = fc.record(fields, { requiredKeys: [] });
  const extra = fc.tuple(near, oddString, anyJson).map(([body, key, value]) => ({ ...body, [key]: value }));
  return fc.oneof({ weight: 4, arbitrary: near }, extra, anyJson, deep);
}

interface Request {
  app: AppName;
  method: string;
  path: string;
  body?: string;
  headers: Record<string, string>;
  signed?: boolean;
}

/** Percent-encodes any string; a lone surrogate becomes the bytes its code would have (not UTF-8). */
function encodePathPart(value: string): string {
  return value.replace(/[\ud800-\udbff][\udc00-\udfff]|[\s\S]/g, (part) => {
    const code = part.charCodeAt(0);
    if (part.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    }
    return encodeURIComponent(part);
  });
}

const idPart = fc.oneof(fc.constant('does_not_exist'), oddString.filter((s) => s.length > 0 && s.length < 300)).map(encodePathPart);
const query = (names: string[]) =>
  fc.dictionary(fc.constantFrom(...names), fc.oneof(oddString, oddNumber.map(String)), { maxKeys: 3 }).map((q) => {
    const text = new URLSearchParams(q).toString();
    return text ? `?${text}` : '';
  });
const headerValue = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 300 });
const headers = (auth: boolean, app: AppName) =>
  fc.record(
    {
      'idempotency-key': headerValue,
      'content-type': fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded'),
      authorization: fc.oneof({ weight: 9, arbitrary: fc.constant(auth ? `Bearer ${KEYS[app]}` : '') }, headerValue),
    },
    { requiredKeys: ['content-type'] },
  ).map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== '')) as Record<string, string>);

interface Route {
  name: string;
  request: fc.Arbitrary<Request>;
}

function route(app: AppName, method: string, path: string, options: { body?: Record<string, unknown>; query?: string[]; signed?: boolean } = {}): Route {
  const auth = path !== '/webhooks/payments' && !(app === 'order-service' && path.startsWith('/v1/orders'));
  const paths = path.includes(':id') ? idPart.map((id) => path.replace(':id', id)) : fc.constant(path);
  const body = options.body ? bodyNear(options.body).map((b) => JSON.stringify(b) ?? 'null') : fc.constant(undefined);
  const withQuery = options.query ? fc.tuple(paths, query(options.query)).map(([p, q]) => p + q) : paths;
  return {
    name: `${app} ${method} ${path}`,
    request: fc.record({ path: withQuery, body, headers: headers(auth, app) }).map((r) => ({ app, method, ...r, signed: options.signed })),
  };
}

const ROUTES: Route[] = [
  route('payment-service', 'POST', '/v1/payments', {
    body: { orderId: 'ord_fuzz', amount: 1000, currency: 'EUR', paymentMethod: '4242424242424242', captureMethod: 'manual', metadata: { k: 'v' } },
  }),
  route('payment-service', 'GET', '/v1/payments', { query: ['orderId', 'x'] }),
  route('payment-service', 'GET', '/v1/payments/:id'),
  route('payment-service', 'GET', '/v1/payments/:id/events'),
  route('payment-service', 'POST', '/v1/payments/:id/capture', { body: { amount: 100 } }),
  route('payment-service', 'POST', '/v1/payments/:id/cancel', { body: {} }),
  route('payment-service', 'POST', '/v1/payments/:id/refunds', { body: { amount: 100 } }),
  route('payment-service', 'GET', '/v1/quarantine', { query: ['worker', 'limit'] }),
  route('webhook-dispatcher', 'POST', '/v1/endpoints', {
    body: { url: 'https://example.com/hook', eventTypes: ['payment.succeeded'], description: 'd', rateLimitPerSecond: 10 },
  }),
  route('webhook-dispatcher', 'POST', '/v1/webhooks/register', { body: { url: 'https://example.com/hook', description: 'd' } }),
  route('webhook-dispatcher', 'GET', '/v1/endpoints'),
  route('webhook-dispatcher', 'GET', '/v1/endpoints/:id'),
  route('webhook-dispatcher', 'PATCH', '/v1/endpoints/:id', { body: { description: 'x', status: 'enabled', url: 'https://example.com/h' } }),
  route('webhook-dispatcher', 'DELETE', '/v1/endpoints/:id'),
  route('webhook-dispatcher', 'POST', '/v1/endpoints/:id/secret/rotate'),
  route('webhook-dispatcher', 'GET', '/v1/endpoints/:id/deliveries', { query: ['status', 'limit'] }),
  route('webhook-dispatcher', 'GET', '/v1/deliveries/:id'),
  route('webhook-dispatcher', 'POST', '/v1/deliveries/:id/retry', { body: {} }),
  route('webhook-dispatcher', 'POST', '/v1/endpoints/:id/recover', { body: { since: '2026-01-01T00:00:00Z', until: '2026-02-01T00:00:00Z' } }),
  route('webhook-dispatcher', 'GET', '/v1/quarantine', { query: ['worker', 'limit'] }),
  route('webhook-dispatcher', 'GET', '/v1/events', { query: ['since', 'until', 'type', 'order', 'limit', 'cursor'] }),
  route('webhook-dispatcher', 'GET', '/v1/deliveries', { query: ['endpointId', 'status', 'eventType', 'eventId', 'limit'] }),
  route('webhook-dispatcher', 'PUT', '/v1/listeners/:id', { body: { eventTypes: ['payment.succeeded'] } }),
  route('webhook-dispatcher', 'GET', '/v1/listeners/:id/stream'),
  route('webhook-dispatcher', 'POST', '/v1/listeners/:id/reports', { body: { deliveryId: 'msg_fuzz', statusCode: 200, durationMs: 5, responseBodyBase64: 'b2s=' } }),
  route('webhook-dispatcher', 'GET', '/metrics'),
  route('order-service', 'POST', '/v1/orders', {
    body: { items: [{ sku: 'tee', quantity: 1, unitPrice: 100 }], currency: 'EUR', paymentMethod: '4242424242424242' },
  }),
  route('order-service', 'GET', '/v1/orders', { query: ['status', 'limit'] }),
  route('order-service', 'GET', '/v1/orders/:id'),
  route('order-service', 'GET', '/v1/orders/:id/stream'),
  route('order-service', 'POST', '/webhooks/payments', {
    signed: true,
    body: {
      id: 'evt_fuzz',
      type: 'payment.succeeded',
      createdAt: '2026-01-01T00:00:00Z',
      data: { object: { id: 'pay_fuzz', orderId: 'ord_fuzz', amount: 100, currency: 'EUR', status: 'succeeded', version: 2 } },
    },
  }),
  route('order-service', 'POST', '/v1/webhook-registration/rotate-secret'),
  route('order-service', 'GET', '/v1/quarantine', { query: ['worker', 'limit'] }),
];

// ---- the run ---------------------------------------------------------------------------
const clients = {} as Record<AppName, Client>;
const DATABASES: Record<AppName, string> = {
  'payment-service': stack.env.PAYMENT_DATABASE_NAME,
  'webhook-dispatcher': stack.env.DISPATCHER_DATABASE_NAME,
  'order-service': stack.env.ORDER_DATABASE_NAME,
};

async function counts(app: AppName): Promise<string> {
  const sql = `SELECT ${TABLES[app].map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`;
  return JSON.stringify((await clients[app].query(sql)).rows[0]);
}

async function send(request: Request, secrets: string[]): Promise<{ status: number; text: string }> {
  const url = `${stack.urls[request.app]}${request.path}`;
  if (request.signed && request.body !== undefined) {
    const sent = await sendWebhook(url, { secrets, body: request.body });
    return { status: sent.status, text: sent.body };
  }
  const response = await fetch(url, { method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(10_000) });
  // An SSE stream of an order that exists would never end: its headers are the answer.
  const text = response.headers.get('content-type')?.startsWith('text/event-stream') ? (await response.body?.cancel(), '') : await response.text();
  return { status: response.status, text };
}

beforeAll(async () => {
  await stack.start();
  for (const app of Object.keys(DATABASES) as AppName[]) {
    clients[app] = new Client({ connectionString: testDatabaseUrl(DATABASES[app]) });
    await clients[app].connect();
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(clients).map((client) => client.end().catch(() => undefined)));
  await stack.stop();
}, 60_000);

it(`answers ${TOTAL} generated requests over every public route with 2xx or a 4xx JSON error, changing nothing when refusing`, async () => {
  // Registration done, so order-service's own start-up writes are not counted.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const secrets = (await clients['order-service'].query<{ secret: string }>('SELECT secret FROM webhook_secrets')).rows.map((r) => r.secret);
  const perRoute = Math.ceil(TOTAL / ROUTES.length);
  const failures: string[] = [];
  const report: string[] = [];
  for (const { name, request } of ROUTES) {
    const tally: Record<string, number> = {};
    for (const generated of fc.sample(request, { numRuns: perRoute })) {
      const before = await counts(generated.app);
      const { status, text } = await send(generated, secrets);
      const klass = `${Math.floor(status / 100)}xx`;
      tally[klass] = (tally[klass] ?? 0) + 1;
      const where = `${name} ${generated.path.slice(0, 80)} body=${JSON.stringify(generated.body?.slice(0, 120))}`;
      if (status >= 500 || status < 200 || (status >= 300 && status < 400)) {
        failures.push(`${where} → ${status} ${text.slice(0, 200)}`);
        continue;
      }
      if (status >= 400) {
        if (!hasErrorShape(text)) failures.push(`${where} → ${status} not in the error shape: ${text.slice(0, 200)}`);
        const after = await counts(generated.app);
        if (after !== before) failures.push(`${where} → ${status} but rows changed: ${before} → ${after}`);
      }
    }
    report.push(`  ${name.padEnd(58)} ${String(perRoute).padStart(5)} tried  ${Object.entries(tally).map(([k, v]) => `${k} ${v}`).join('  ')}`);
  }
  process.stdout.write(`fuzz suite: ${perRoute * ROUTES.length} generated requests over ${ROUTES.length} routes\n${report.join('\n')}\n`);
  expect(failures.slice(0, 20)).toEqual([]);
  for (const app of Object.keys(stack.urls) as AppName[]) {
    expect((await fetch(`${stack.urls[app]}/health`)).status).toBe(200);
  }
}, 1_800_000);
