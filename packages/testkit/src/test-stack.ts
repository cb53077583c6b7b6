import { join } from 'node:path';
import { testDatabaseName, testTopic } from './isolation';
import { queryDatabase } from './postgres';
import { AppProcess, type AppName } from './processes';
import { repoRoot } from './repo';
import { waitFor } from './wait';

export interface TestStackOptions {
  /** Names this stack's databases, topic, consumer group and log files. */
  label: string;
  /** payment-service listens here, the dispatcher on +1, order-service on +2. */
  basePort: number;
  /** Settings on top of the stack's defaults (retry schedule, processing delay…). */
  env?: Record<string, string>;
}

export const TEST_PAYMENT_API_KEY = 'sk_test_stack_payments_0123456789';
export const TEST_DISPATCHER_API_KEY = 'sk_test_stack_dispatcher_0123456789';

/**
 * The three apps as real processes with their own databases, topic and ports: start
 * them, stop one with SIGTERM or kill it with SIGKILL, start it again. Kafka and
 * Postgres come from the Jest global setup (or whatever KAFKA_BROKERS and DATABASE_URL say).
 */
export class TestStack {
  readonly urls: Record<AppName, string>;
  readonly env: Record<string, string>;
  readonly apps: Record<AppName, AppProcess>;

  constructor(options: TestStackOptions) {
    const port = (offset: number) => options.basePort + offset;
    this.urls = {
      'payment-service': `http://127.0.0.1:${port(0)}`,
      'webhook-dispatcher': `http://127.0.0.1:${port(1)}`,
      'order-service': `http://127.0.0.1:${port(2)}`,
    };
    const topic = testTopic(`payments.events.v1.${options.label}`);
    this.env = {
      PAYMENT_SERVICE_PORT: String(port(0)),
      WEBHOOK_DISPATCHER_PORT: String(port(1)),
      ORDER_SERVICE_PORT: String(port(2)),
      PAYMENT_DATABASE_NAME: testDatabaseName(`${options.label}_payments`),
      DISPATCHER_DATABASE_NAME: testDatabaseName(`${options.label}_dispatcher`),
      ORDER_DATABASE_NAME: testDatabaseName(`${options.label}_orders`),
      PAYMENT_EVENTS_TOPIC: topic,
      DISPATCHER_CONSUMER_GROUP: `${topic}.dispatcher`,
      PAYMENT_API_KEY: TEST_PAYMENT_API_KEY,
      DISPATCHER_API_KEY: TEST_DISPATCHER_API_KEY,
      PAYMENT_SERVICE_URL: this.urls['payment-service'],
      WEBHOOK_DISPATCHER_URL: this.urls['webhook-dispatcher'],
      ORDER_WEBHOOK_URL: `${this.urls['order-service']}/webhooks/payments`,
      WEBHOOK_ALLOWED_PRIVATE_TARGETS: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...options.env,
    };
    const app = (name: AppName) =>
      new AppProcess({
        app: name,
        baseUrl: this.urls[name],
        env: this.env,
        output: join(repoRoot(), '.payhook', 'logs', `${options.label}-${name}.log`),
      });
    this.apps = { 'payment-service': app('payment-service'), 'webhook-dispatcher': app('webhook-dispatcher'), 'order-service': app('order-service') };
  }

  /** Starts the apps in dependency order. */
  async start(): Promise<void> {
    for (const name of ['payment-service', 'webhook-dispatcher', 'order-service'] as const) await this.apps[name].start();
  }

  /** SIGTERM to every app still running. */
  async stop(): Promise<void> {
    await Promise.allSettled(Object.values(this.apps).map((a) => a.stop()));
  }

  /** The name of an app's database in this stack. */
  databaseName(app: AppName): string {
    return this.env[{ 'payment-service': 'PAYMENT_DATABASE_NAME', 'webhook-dispatcher': 'DISPATCHER_DATABASE_NAME', 'order-service': 'ORDER_DATABASE_NAME' }[app]];
  }

  /** One query in an app's database. */
  query<T = Record<string, unknown>>(app: AppName, sql: string, params: unknown[] = []): Promise<T[]> {
    return queryDatabase<T>(this.databaseName(app), sql, params);
  }

  /** A number one query in an app's database answers, e.g. `SELECT count(*) AS n FROM orders`. */
  async count(app: AppName, sql: string, params: unknown[] = []): Promise<number> {
    const [row] = await this.query<{ n: string | number }>(app, sql, params);
    return Number(row.n);
  }

  /** order-service's endpoint id at the dispatcher, once its registration (made in the background at start) is in. */
  orderServiceEndpoint(): Promise<string> {
    return waitFor(
      async () => (await this.query<{ endpoint_id: string }>('order-service', 'SELECT endpoint_id FROM webhook_registration'))[0]?.endpoint_id,
      { timeoutMs: 30_000, description: "order-service's registration at the dispatcher" },
    );
  }

  /** The order (as GET /v1/orders/:id answers) once `predicate` holds for it; throws after `timeoutMs`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  orderWhen<Order = any>(id: string, predicate: (order: Order) => boolean, description: string, timeoutMs = 30_000): Promise<Order> {
    return waitFor(
      async () => {
        const body = (await this.call('order-service', 'GET', `/v1/orders/${id}`)).body as Order;
        return predicate(body) ? body : undefined;
      },
      { timeoutMs, intervalMs: 200, description: `order ${id}: ${description}` },
    );
  }

  /** A JSON call to one app, with its API key. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async call(app: AppName, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const key = app === 'payment-service' ? TEST_PAYMENT_API_KEY : app === 'webhook-dispatcher' ? TEST_DISPATCHER_API_KEY : undefined;
    const response = await fetch(`${this.urls[app]}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key && { authorization: `Bearer ${key}` }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: the caller sees the text
    }
    return { status: response.status, body: parsed };
  }
}
