import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { AppProcess, repoRoot, testDatabaseName, testTopic, type AppName } from '@payhook/testkit';
import { stackEnvironment } from './env-file';

// The three apps as real processes, the way `npm start` runs them.
const APPS: Array<{ app: AppName; portVariable: string; databaseVariable: string; port: number }> = [
  { app: 'payment-service', portVariable: 'PAYMENT_SERVICE_PORT', databaseVariable: 'PAYMENT_DATABASE_NAME', port: 13101 },
  { app: 'webhook-dispatcher', portVariable: 'WEBHOOK_DISPATCHER_PORT', databaseVariable: 'DISPATCHER_DATABASE_NAME', port: 13102 },
  { app: 'order-service', portVariable: 'ORDER_SERVICE_PORT', databaseVariable: 'ORDER_DATABASE_NAME', port: 13103 },
];

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
      expect(body.details).toEqual({
        postgres: { status: 'up' },
        kafka: { status: 'up', brokers: 1 },
      });
      const docs = await fetch(`${baseUrl}/docs/openapi.json`);
      expect(((await docs.json()) as { info: { title: string } }).info.title).toBe(`Payhook ${spec.app}`);
    } finally {
      expect(await process.stop()).toBe(0);
    }
  });

  it.each(APPS)('$app exits with one line naming DATABASE_URL when Postgres is unreachable', ({ app }) => {
    const result = runMain(app, { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/postgres' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${app}: cannot reach Postgres at DATABASE_URL=postgres://postgres@127.0.0.1:1/postgres (ECONNREFUSED)`);
  });

  it.each(APPS)('$app exits with one line naming KAFKA_BROKERS when Kafka is unreachable', ({ app, databaseVariable }) => {
    const result = runMain(app, { KAFKA_BROKERS: '127.0.0.1:1', [databaseVariable]: testDatabaseName(`unreachable_kafka_${app.split('-')[0]}`) });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${app}: cannot reach Kafka at KAFKA_BROKERS=127\\.0\\.0\\.1:1 \\(.+\\)$`));
  });

  it.each(APPS)('$app refuses a malformed setting before touching anything', ({ app, portVariable }) => {
    const result = runMain(app, { [portVariable]: 'eighty' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${app}: invalid configuration: ${portVariable}: .+ \\(got "eighty"\\)$`));
  });
});
