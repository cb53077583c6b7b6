import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { configSchema as dispatcherConfig } from '@payhook/webhook-dispatcher/config';
import { configSchema as orderConfig } from '@payhook/order-service/config';
import { configSchema as paymentConfig } from '@payhook/payment-service/config';
import { configSchema as consoleConfig } from '@payhook/console/config';
import { repoRoot } from '@payhook/testkit';
import { parse } from 'yaml';

// No Docker engine runs here, so the compose file is checked as data.
interface Service {
  image?: string;
  build?: { context: string; args?: Record<string, string> };
  ports?: string[];
  environment?: Record<string, string | number>;
  env_file?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const root = repoRoot();
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const envExample = parseEnv(readFileSync(join(root, '.env.example'), 'utf8'));
const apps = {
  'payment-service': { keys: Object.keys(paymentConfig.shape), port: envExample.PAYMENT_SERVICE_PORT },
  'webhook-dispatcher': { keys: Object.keys(dispatcherConfig.shape), port: envExample.WEBHOOK_DISPATCHER_PORT },
  'order-service': { keys: Object.keys(orderConfig.shape), port: envExample.ORDER_SERVICE_PORT },
};

describe('docker-compose.yml', () => {
  const { services } = compose;

  it('has Kafka 4 (KRaft), Postgres 17, the three apps and the console', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['console', 'kafka', 'order-service', 'payment-service', 'postgres', 'webhook-dispatcher'].sort(),
    );
    expect(services.kafka.image).toMatch(/^apache\/kafka:4\.\d+\.\d+$/);
    expect(services.kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(String(services.kafka.environment?.KAFKA_AUTO_CREATE_TOPICS_ENABLE)).toBe('false');
    expect(services.postgres.image).toBe('postgres:17');
  });

  it('gives every service a healthcheck', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, service.healthcheck?.test?.length ?? 0]).toEqual([name, expect.any(Number)]);
      expect(service.healthcheck?.test.length).toBeGreaterThan(1);
    }
  });

  it.each(Object.entries(apps))('%s: one Dockerfile, its port, healthy dependencies, known variables', (name, app) => {
    const service = services[name];
    expect(service.build).toEqual({ context: '.', args: { APP: name } });
    expect(service.env_file).toBe('.env.example');
    expect(service.ports).toEqual([`127.0.0.1:${app.port}:${app.port}`]);
    expect(service.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${app.port}/health`);
    expect(service.depends_on?.postgres).toEqual({ condition: 'service_healthy' });
    // order-service does not use Kafka: it neither waits for it nor is given its address.
    if (name === 'order-service') expect(service.depends_on?.kafka).toBeUndefined();
    else expect(service.depends_on?.kafka).toEqual({ condition: 'service_healthy' });
    for (const dependency of Object.values(service.depends_on ?? {})) expect(dependency.condition).toBe('service_healthy');
    const unknown = Object.keys(service.environment ?? {}).filter((key) => !app.keys.includes(key));
    expect(unknown).toEqual([]);
  });

  it('console: the same image, port 3000, after the three apps, known variables', () => {
    const service = services.console;
    expect(service.build).toEqual({ context: '.', args: { APP: 'console' } });
    expect(service.ports).toEqual([`127.0.0.1:${envExample.CONSOLE_PORT}:${envExample.CONSOLE_PORT}`]);
    expect(service.healthcheck?.test.join(' ')).toContain(`127.0.0.1:${envExample.CONSOLE_PORT}/health`);
    expect(Object.keys(service.depends_on ?? {}).sort()).toEqual(['order-service', 'payment-service', 'webhook-dispatcher']);
    const known = Object.keys(consoleConfig.shape);
    expect(Object.keys(service.environment ?? {}).filter((key) => !known.includes(key))).toEqual([]);
    expect(consoleConfig.parse({ ...envExample, ...service.environment }).ORDER_SERVICE_URL).toBe('http://order-service:3003');
  });

  it('publishes neither Postgres nor Kafka, and keeps the SSRF guard on but for order-service', () => {
    expect(services.postgres.ports).toBeUndefined();
    expect(services.kafka.ports).toBeUndefined();
    expect(String(services.kafka.environment?.KAFKA_ADVERTISED_LISTENERS)).toBe('INTERNAL://kafka:19092');
    expect(services['webhook-dispatcher'].environment?.WEBHOOK_ALLOWED_PRIVATE_TARGETS).toBe('order-service');
    const dispatcher = dispatcherConfig.parse({ ...envExample, ...services['webhook-dispatcher'].environment });
    expect(dispatcher.WEBHOOK_ALLOWED_PRIVATE_TARGETS.entries).toEqual(['order-service']);
  });

  it('.env.example allows loopback alone past the SSRF guard, for npm start', () => {
    expect(envExample.WEBHOOK_ALLOWED_PRIVATE_TARGETS).toBe('127.0.0.1,::1');
  });

  it('.env.example sets only variables some app reads', () => {
    const known = new Set([...Object.values(apps).flatMap((app) => app.keys), ...Object.keys(consoleConfig.shape)]);
    expect(Object.keys(envExample).filter((key) => !known.has(key))).toEqual([]);
  });
});

describe('one Node major everywhere', () => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
  const major = manifest.devDependencies.node.split('.')[0];

  it('runs the tests on the Node the project installs (the `node` devDependency, first on the PATH of npm scripts)', () => {
    expect(major).toBe('24');
    expect(process.version.split('.')[0]).toBe(`v${major}`);
    expect(manifest.engines.node).toBe(`>=${major}.11`);
    expect(manifest.devDependencies['@types/node'].replace(/^\^/, '').split('.')[0]).toBe(major);
  });

  it('builds the image on the same major', () => {
    const bases = readFileSync(join(root, 'Dockerfile'), 'utf8').match(/^FROM \S+/gm) ?? [];
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(new RegExp(`^FROM node:${major}-`));
  });
});
