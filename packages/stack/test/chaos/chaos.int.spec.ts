import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AppProcess,
  collectLedger,
  currentRunId,
  duplicateEffects,
  formatLedger,
  killKafka,
  lost,
  repoRoot,
  settledOrders,
  startKafka,
  stopKafka,
  TEST_DISPATCHER_API_KEY,
  TestStack,
  waitFor,
  WebhookReceiver,
  type AppName,
  type Reply,
} from '@payhook/testkit';

/**
 * The fault-injection run: orders flow through the whole stack while apps and the broker
 * are killed with SIGKILL and restarted, order-service's receiver goes away for a
 * stretch, poison is injected (bad payment methods, oversized metadata and events,
 * payments no processing can finish, a second receiver answering odd bytes), every app's
 * database connection is cut, order-service's endpoint is disabled (by hand, and by the
 * dispatcher after WEBHOOK_DISABLE_AFTER of failures), operators rotate, retry, recover
 * and patch, and second instances of the dispatcher and order-service run for a while.
 * `npm test` runs a short version; `npm run test:chaos` the full one (CHAOS_ORDERS,
 * default 2000 there).
 */
const ORDERS = Number(process.env.CHAOS_ORDERS ?? 300);
const LOAD_SECONDS = Number(process.env.CHAOS_LOAD_SECONDS ?? Math.max(15, ORDERS / 40));
const broker = { port: 19492, controllerPort: 19493, homeDir: join(repoRoot(), '.payhook', `kafka-chaos-${currentRunId()}`) };
const stack = new TestStack({
  label: 'chaos',
  basePort: 13501,
  env: {
    KAFKA_BROKERS: `127.0.0.1:${broker.port}`,
    PAYMENT_PROCESSING_DELAY_MS: '100',
    OUTBOX_POLL_INTERVAL_MS: '500',
    WEBHOOK_POLL_INTERVAL_MS: '500',
    PAYMENT_REQUEST_POLL_INTERVAL_MS: '300',
    WEBHOOK_TIMEOUT_MS: '3000',
    WEBHOOK_RETRY_SCHEDULE: ['200ms', '500ms', '1s', '2s', ...Array(30).fill('3s')].join(','),
    // Short, so the endpoint-disabled fault can make the dispatcher disable order-service's endpoint.
    WEBHOOK_DISABLE_AFTER: '3s',
    LOG_LEVEL: 'warn',
  },
});
const APPS: AppName[] = ['payment-service', 'webhook-dispatcher', 'order-service'];
const FAULTS = [
  'kill payment-service',
  'kill webhook-dispatcher',
  'kill order-service',
  'kill kafka',
  'receiver away',
  'poison',
  'postgres',
  'endpoint-disabled',
  'admin',
  'second-instance',
] as const;
/** Second instances, on ports of their own, sharing the first ones' databases and topic. */
const seconds = (['webhook-dispatcher', 'order-service'] as const).map(
  (app, i) =>
    new AppProcess({
      app,
      baseUrl: `http://127.0.0.1:${13511 + i}`,
      env: { ...stack.env, WEBHOOK_DISPATCHER_PORT: String(13511), ORDER_SERVICE_PORT: String(13512) },
      output: join(repoRoot(), '.payhook', 'logs', `chaos-second-${app}.log`),
    }),
);
/** Admin calls answered 5xx during the run: must stay 0. */
let adminFailures = 0;
/** A second endpoint whose receiver answers bytes that once broke recording. */
const oddReceiver = new WebhookReceiver();
const ODD_REPLIES: Reply[] = [
  { status: 200, body: 'ok\u0000' },
  { status: 200, body: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"ok":1}', 'utf16le')]) },
  { status: 500, body: Buffer.from([0x00, 0xc3, 0x28]) },
];
const faults: Record<string, number> = Object.fromEntries([...FAULTS, 'endpoint disabled by the dispatcher', 'app exited by itself'].map((f) => [f, 0]));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const random = (min: number, max: number) => min + Math.random() * (max - min);

/** Like a supervisor: any app that is not running is started again (Kafka must be up). */
async function superviseApps(): Promise<void> {
  for (const app of APPS) {
    if (!stack.apps[app].running) {
      await stack.apps[app].start();
    }
  }
}

/** Injects faults one at a time until `until(injected)`; each kind comes once per shuffled round. */
async function injectFaults(until: (injected: number) => boolean): Promise<void> {
  let round = 0;
  let order: string[] = [];
  while (!until(round)) {
    await sleep(random(1500, 3500));
    if (until(round)) break;
    // Each round in random order, but the endpoint outage first, while orders still flow.
    if (order.length === 0) order = [...FAULTS.filter((f) => f !== 'endpoint-disabled').sort(() => Math.random() - 0.5), 'endpoint-disabled'];
    const fault = order.pop()!;
    round += 1;
    for (const app of APPS) if (!stack.apps[app].running) faults['app exited by itself'] += 1;
    if (fault === 'kill kafka') {
      await killKafka(broker);
      await sleep(random(1000, 3000));
      await startKafka(broker);
    } else if (fault === 'poison') {
      await injectPoison();
    } else if (fault === 'postgres') {
      await cutDatabaseConnections();
    } else if (fault === 'endpoint-disabled') {
      await disableOrderEndpoint();
    } else if (fault === 'admin') {
      await adminCalls();
    } else if (fault === 'second-instance') {
      await Promise.all(seconds.map((app) => app.start()));
      await sleep(random(3000, 6000));
      await Promise.all(seconds.map((app) => app.kill()));
    } else if (fault === 'receiver away') {
      await stack.apps['order-service'].stop();
      await sleep(random(2000, 5000));
    } else {
      const app = fault.replace('kill ', '') as AppName;
      await stack.apps[app].kill();
      await sleep(random(500, 2000));
    }
    faults[fault] += 1;
    await superviseApps();
  }
  process.stdout.write(`[chaos] ${round} faults injected\n`);
}

/**
 * Poison of each kind the workers must set aside while the good orders flow: refused at the
 * door (a payment method every object inherits, metadata past its limits), or stored and
 * quarantined (a payment no processing can finish, an event too large for Kafka).
 */
async function injectPoison(): Promise<void> {
  const refusals = [
    { orderId: 'ord_poison', amount: 100, currency: 'EUR', paymentMethod: 'constructor' },
    { orderId: 'ord_poison', amount: 100, currency: 'EUR', paymentMethod: 'tok_visa', metadata: { ['k'.repeat(41)]: 'v'.repeat(600) } },
  ];
  for (const body of refusals) {
    const answer = await stack.call('payment-service', 'POST', '/v1/payments', body).catch(() => undefined);
    if (answer && answer.status !== 400) throw new Error(`poison accepted: ${answer.status}`);
  }
  const paymentId = `pay_poison_${randomUUID().slice(0, 8)}`;
  await stack.query(
    'payment-service',
    `WITH e AS (INSERT INTO events (stream_id, version, event_id, type, data) VALUES ($1, 1, $2, 'payment.created', $3))
     INSERT INTO processing_jobs (payment_id, due_at) VALUES ($1, now())`,
    [paymentId, randomUUID(), JSON.stringify({ paymentId, orderId: 'ord_poison', amount: 100, currency: 'EUR', paymentMethod: 'constructor', captureMethod: 'automatic', metadata: {} })],
  );
  await stack.query(
    'payment-service',
    `INSERT INTO outbox (topic, message_key, event_id, event_type, payload) VALUES ($1, 'pay_poison', $2, 'payment.created', $3)`,
    [stack.env.PAYMENT_EVENTS_TOPIC, randomUUID(), JSON.stringify({ padding: 'x'.repeat(1_100_000) })],
  );
}

/** What a database restart does to the apps: every connection they hold is terminated. */
async function cutDatabaseConnections(): Promise<void> {
  const names = [stack.env.PAYMENT_DATABASE_NAME, stack.env.DISPATCHER_DATABASE_NAME, stack.env.ORDER_DATABASE_NAME];
  await stack.query('payment-service', 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()', [names]);
}

/**
 * order-service's endpoint goes off for a while: disabled by hand and enabled again, then,
 * with order-service away for longer than WEBHOOK_DISABLE_AFTER, disabled by the dispatcher
 * (order-service re-enables its registration when it starts again). What arrives meanwhile
 * is held, then sent.
 */
async function disableOrderEndpoint(): Promise<void> {
  const endpointId = await stack.orderServiceEndpoint();
  await admin('PATCH', `/v1/endpoints/${endpointId}`, { status: 'disabled' });
  await sleep(random(2000, 5000));
  await waitFor(async () => (await stack.call('webhook-dispatcher', 'PATCH', `/v1/endpoints/${endpointId}`, { status: 'enabled' })).status === 200, {
    timeoutMs: 30_000,
    description: "order-service's endpoint enabled again",
  });
  await stack.apps['order-service'].stop();
  await sleep(7000);
  const [endpoint] = await stack.query<{ status: string }>('webhook-dispatcher', 'SELECT status FROM endpoints WHERE id = $1', [endpointId]);
  if (endpoint?.status === 'disabled') faults['endpoint disabled by the dispatcher'] += 1;
}

/** An operator at work during load: rotations, retries, recovers and patches. */
async function adminCalls(): Promise<void> {
  const endpointId = await stack.orderServiceEndpoint();
  const recent = await stack.query<{ id: string }>('webhook-dispatcher', 'SELECT id FROM deliveries ORDER BY created_at DESC LIMIT 3');
  const since = new Date(Date.now() - 10 * 60_000).toISOString();
  await Promise.all([
    admin('POST', '/v1/webhook-registration/rotate-secret', undefined, 'order-service'),
    ...recent.map((d) => admin('POST', `/v1/deliveries/${d.id}/retry`)),
    admin('POST', `/v1/endpoints/${endpointId}/recover`, { since }),
    admin('PATCH', `/v1/endpoints/${endpointId}`, { description: `chaos ${Date.now()}` }),
  ]);
}

/** A management call; a 5xx is counted (an app being down at that moment is not). */
async function admin(method: string, path: string, body?: unknown, app: AppName = 'webhook-dispatcher'): Promise<void> {
  try {
    const answer = await stack.call(app, method, path, body, { authorization: `Bearer ${TEST_DISPATCHER_API_KEY}` });
    if (answer.status >= 500) {
      adminFailures += 1;
      process.stdout.write(`[chaos] ${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}\n`);
    }
  } catch {
    // the app was killed by another fault: not an answer
  }
}

/** Places one order like a careful client: retried with the same Idempotency-Key until accepted. */
async function placeOrder(i: number, card: string): Promise<string | undefined> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const placed = await stack.call(
        'order-service',
        'POST',
        '/v1/orders',
        { items: [{ sku: `sku-${i % 17}`, quantity: 1 + (i % 3), unitPrice: 500 + i }], currency: 'EUR', paymentMethod: card },
        { 'idempotency-key': `chaos-${currentRunId()}-${i}` },
      );
      if (placed.status === 201) return placed.body.id;
    } catch {
      // order-service is down: try again shortly
    }
    await sleep(300);
  }
  return undefined;
}

beforeAll(async () => {
  await startKafka(broker);
  await stack.start();
  await oddReceiver.start();
  let replies = 0;
  oddReceiver.respondWith(() => ODD_REPLIES[replies++ % ODD_REPLIES.length]);
  const created = await stack.call('webhook-dispatcher', 'POST', '/v1/endpoints', { url: oddReceiver.url, description: 'chaos: odd bytes' });
  if (created.status !== 201) throw new Error(`could not register the odd receiver: ${created.status}`);
}, 180_000);

afterAll(async () => {
  await Promise.all(seconds.map((app) => app.stop().catch(() => undefined)));
  await oddReceiver.stop();
  await stack.stop();
  await stopKafka(broker).catch(() => undefined);
  rmSync(broker.homeDir, { recursive: true, force: true });
}, 120_000);

it(`loses nothing and applies nothing twice: ${ORDERS} orders through SIGKILLs of every app and the broker`, async () => {
  const expected = new Map<string, string>();
  let placementFailures = 0;
  let loadDone = false;
  // Faults go on through the whole load, and at least one of each kind happens.
  const chaos = injectFaults((injected) => loadDone && injected >= FAULTS.length);

  const started = Date.now();
  const placements: Array<Promise<void>> = [];
  for (let i = 0; i < ORDERS; i++) {
    // Open loop at a steady rate: the i-th order is due at i / rate seconds.
    const due = started + (i * LOAD_SECONDS * 1000) / ORDERS;
    if (due > Date.now()) await sleep(due - Date.now());
    const declined = i % 5 === 4;
    placements.push(
      placeOrder(i, declined ? '4000000000000002' : '4242424242424242').then((id) => {
        if (id) expected.set(id, declined ? 'payment_failed' : 'paid');
        else placementFailures += 1;
      }),
    );
    if (i % 100 === 99) process.stdout.write(`[chaos] ${i + 1}/${ORDERS} orders sent\n`);
  }
  await Promise.all(placements);
  loadDone = true;
  await chaos;
  await superviseApps();

  // Settled means every order final, payment-service's queues empty (poison injected late
  // must be set aside before the ledger is read, or it would count as lost) and no webhook to
  // order-service still on its way (a payment.created that beat its payment id is retried).
  await waitFor(
    async () =>
      (await settledOrders(stack, expected)) === expected.size &&
      (await stack.count('payment-service', 'SELECT (SELECT count(*) FROM processing_jobs) + (SELECT count(*) FROM outbox) AS n')) === 0 &&
      (await stack.count(
        'webhook-dispatcher',
        `SELECT count(*) AS n FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id WHERE d.status IN ('pending', 'held') AND e.description IS DISTINCT FROM 'chaos: odd bytes'`,
      )) === 0,
    { timeoutMs: 240_000, intervalMs: 1000, description: `all ${expected.size} orders final and payment-service's queues empty` },
  ).catch(() => undefined); // the ledger below says what is missing

  const ledger = await collectLedger(stack, { expected, placementFailures, faults });
  process.stdout.write(`${formatLedger('chaos ledger', ledger)}\n`);
  for (const app of APPS) {
    for (const row of await stack.query<{ worker: string; reason: string }>(app, 'SELECT worker, reason FROM quarantine ORDER BY id')) {
      process.stdout.write(`[chaos] quarantined by ${app}/${row.worker}: ${row.reason.slice(0, 200)}\n`);
    }
  }
  mkdirSync(join(repoRoot(), '.payhook'), { recursive: true });
  writeFileSync(join(repoRoot(), '.payhook', 'chaos-ledger.json'), `${JSON.stringify({ orders: ORDERS, ...ledger }, null, 2)}\n`);

  expect(placementFailures).toBe(0);
  expect(adminFailures).toBe(0);
  expect(lost(ledger)).toBe(0);
  expect(duplicateEffects(ledger)).toBe(0);
  for (const kind of FAULTS) expect(faults[kind]).toBeGreaterThanOrEqual(1);
  // Each poison round stores a payment and an event that must be set aside.
  expect(ledger.quarantined).toBeGreaterThanOrEqual(2 * faults.poison);
  // Every webhook order-service got was good: a connection cut mid-transaction is retried, never quarantined.
  expect(await stack.count('order-service', 'SELECT count(*) AS n FROM quarantine')).toBe(0);
  // The odd receiver's replies were recorded like any other: no delivery had to be set aside for them.
  expect(await stack.count('webhook-dispatcher', `SELECT count(*) AS n FROM deliveries WHERE status = 'quarantined'`)).toBe(0);
}, 900_000);
