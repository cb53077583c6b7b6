import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AppProcess, openApiProblems, operationSchema, repoRoot, schemaProblems, testDatabaseName, testTopic, undocumentedAnswers, type AppName } from '@payhook/testkit';
import { stackEnvironment } from '@payhook/cli/settings';

// The three apps as real processes, the way `npm start` runs them.
const APPS: Array<{ app: AppName; portVariable: string; databaseVariable: string; port: number }> = [
  { app: 'payment-service', portVariable: 'PAYMENT_SERVICE_PORT', databaseVariable: 'PAYMENT_DATABASE_NAME', port: 13101 },
  { app: 'webhook-dispatcher', portVariable: 'WEBHOOK_DISPATCHER_PORT', databaseVariable: 'DISPATCHER_DATABASE_NAME', port: 13102 },
  { app: 'order-service', portVariable: 'ORDER_SERVICE_PORT', databaseVariable: 'ORDER_DATABASE_NAME', port: 13103 },
];

const stackEnv = stackEnvironment(repoRoot());
/** One real request per app, checked against its OpenAPI document, request and answer. */
const SAMPLE_REQUESTS: Record<AppName, { path: string; key?: string; body: object }> = {
  'payment-service': { path: '/v1/payments', key: stackEnv.PAYMENT_API_KEY, body: { orderId: 'ord_openapi', amount: 1250, currency: 'eur', paymentMethod: '4242424242424242' } },
  'webhook-dispatcher': { path: '/v1/endpoints', key: stackEnv.DISPATCHER_API_KEY, body: { url: 'https://example.com/hooks', eventTypes: ['payment.succeeded'] } },
  'order-service': { path: '/v1/orders', body: { items: [{ sku: 'tea', quantity: 2, unitPrice: 450 }], currency: 'EUR', paymentMethod: '4242424242424242' } },
};

function runMain(app: AppName, env: Record<string, string>) {
  const result = spawnSync(process.execPath, [join(repoRoot(), 'apps', app, 'dist', 'main.js')], {
    env: { ...stackEnvironment(repoRoot()), ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stderr: result.stderr.trim() };
}

describe('the three apps as processes', () => {
  it.each(APPS)('$app starts, migrates its own database and reports Postgres and Kafka up', async (spec) => {
    const baseUrl = `http://127.0.0.1:${spec.port}`;
    const process = new AppProcess({
      app: spec.app,
      baseUrl,
      output: join(repoRoot(), '.payhook', 'logs', `stack-test-${spec.app}.log`),
      env: {
        ...stackEnvironment(repoRoot()),
        [spec.portVariable]: String(spec.port),
        [spec.databaseVariable]: testDatabaseName(spec.app.split('-')[0]),
        PAYMENT_EVENTS_TOPIC: testTopic('payments.events.v1'),
        LOG_LEVEL: 'warn',
      },
    });
    await process.start();
    try {
      const response = await fetch(`${baseUrl}/health`);
      const body = (await response.json()) as { details: unknown };
      expect(response.status).toBe(200);
      // order-service does not use Kafka, so its health does not depend on it.
      expect(body.details).toEqual(
        spec.app === 'order-service' ? { postgres: { status: 'up' } } : { postgres: { status: 'up' }, kafka: { status: 'up', brokers: 1 } },
      );
      const document = (await (await fetch(`${baseUrl}/docs/openapi.json`)).json()) as Record<string, never>;
      expect((document.info as { title: string }).title).toBe(`Payhook ${spec.app}`);
      expect(await openApiProblems(document)).toEqual([]);
      expect(undocumentedAnswers(document)).toEqual([]);
      const sample = SAMPLE_REQUESTS[spec.app];
      expect(schemaProblems(operationSchema(document, 'POST', sample.path, 'request'), sample.body)).toEqual([]);
      const answer = await fetch(`${baseUrl}${sample.path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(sample.key ? { authorization: `Bearer ${sample.key}` } : {}) },
        body: JSON.stringify(sample.body),
      });
      expect(answer.status).toBe(201);
      expect(schemaProblems(operationSchema(document, 'POST', sample.path, 201), await answer.json())).toEqual([]);
      const refused = await fetch(`${baseUrl}${sample.path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"' });
      expect(schemaProblems(operationSchema(document, 'POST', sample.path, refused.status), await refused.json())).toEqual([]);
    } finally {
      expect(await process.stop()).toBe(0);
    }
  });

  it.each(APPS)('$app exits with one line naming DATABASE_URL when Postgres is unreachable', ({ app }) => {
    const result = runMain(app, { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${app}: cannot reach Postgres at DATABASE_URL=postgres://postgres@127.0.0.1:1/postgres (ECONNREFUSED)`);
  });

  const KAFKA_USERS = APPS.filter((spec) => spec.app !== 'order-service');
  it.each(KAFKA_USERS)('$app exits with one line naming KAFKA_BROKERS when Kafka is unreachable', ({ app, databaseVariable }) => {
    const result = runMain(app, { KAFKA_BROKERS: '127.0.0.1:1', [databaseVariable]: testDatabaseName(`unreachable_kafka_${app.split('-')[0]}`) });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${app}: cannot reach Kafka at KAFKA_BROKERS=127\\.0\\.0\\.1:1 \\(.+\\)$`));
  });

  it('order-service starts without Kafka, which it does not use', async () => {
    const port = 13104;
    const process = new AppProcess({
      app: 'order-service',
      baseUrl: `http://127.0.0.1:${port}`,
      output: join(repoRoot(), '.payhook', 'logs', 'stack-test-order-service-no-kafka.log'),
      env: { ...stackEnv, ORDER_SERVICE_PORT: String(port), ORDER_DATABASE_NAME: testDatabaseName('order_no_kafka'), KAFKA_BROKERS: '127.0.0.1:1', LOG_LEVEL: 'warn' },
    });
    await process.start();
    try {
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      expect(await process.stop()).toBe(0);
    }
  });

  it.each(APPS)('$app refuses a malformed setting before touching anything', ({ app, portVariable }) => {
    const result = runMain(app, { [portVariable]: 'eighty' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${app}: invalid configuration: ${portVariable}: .+ \\(got "eighty"\\)$`));
  });
});
