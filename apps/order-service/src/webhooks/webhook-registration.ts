import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { PaymentEventType } from '@payhook/contracts';
import { Database, LOGGER, WorkerLoop } from '@payhook/platform';
import type { Logger } from 'pino';
import { ORDER_CONFIG, type OrderConfig } from '../config';
import { readRegistration, rotateSecret, saveRegistration } from '../store/webhook-registration';
import { WebhookSecrets } from './webhook-secrets';

/**
 * The event types an order acts on: the ones that can settle it. payment.created and
 * payment.requires_capture leave an order pending_payment, so they are not asked for:
 * a third fewer webhooks per order. (Sent anyway, they are applied like any other.)
 */
export const ORDER_EVENT_TYPES: PaymentEventType[] = ['payment.succeeded', 'payment.failed', 'payment.canceled', 'payment.refunded'];

const sameTypes = (a: unknown, b: string[]) => Array.isArray(a) && a.length === b.length && b.every((type) => a.includes(type));

/**
 * Registers ORDER_WEBHOOK_URL with the dispatcher at start, in the background until it
 * succeeds. The endpoint id and secret are kept in this service's database, so a restart
 * reuses the registration; a registration the dispatcher no longer knows is made anew.
 */
@Injectable()
export class WebhookRegistration implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: WorkerLoop;
  private registered = false;

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(ORDER_CONFIG) private readonly config: OrderConfig,
    private readonly secrets: WebhookSecrets,
  ) {
    this.loop = new WorkerLoop({
      name: 'webhook-registration',
      logger,
      idleMs: 60_000,
      maxBackoffMs: 5_000,
      runOnce: async () => {
        if (!this.registered) await this.ensureRegistered();
        return 0;
      },
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  async ensureRegistered(): Promise<string> {
    const existing = await readRegistration(this.database);
    if (existing && existing.url === this.config.ORDER_WEBHOOK_URL) {
      const response = await this.dispatcher('GET', `/v1/endpoints/${existing.endpoint_id}`);
      if (response.status === 200) {
        if (response.body.status !== 'enabled' || !sameTypes(response.body.eventTypes, ORDER_EVENT_TYPES)) {
          await this.dispatcher('PATCH', `/v1/endpoints/${existing.endpoint_id}`, { status: 'enabled', eventTypes: ORDER_EVENT_TYPES });
        }
        this.registered = true;
        return existing.endpoint_id;
      }
      if (response.status !== 404) throw new Error(`dispatcher answered ${response.status} for endpoint ${existing.endpoint_id}`);
    }
    const created = await this.dispatcher('POST', '/v1/webhooks/register', {
      url: this.config.ORDER_WEBHOOK_URL,
      eventTypes: ORDER_EVENT_TYPES,
      description: 'order-service: payment webhooks',
    });
    if (created.status !== 201) throw new Error(`dispatcher refused the registration: ${created.status} ${JSON.stringify(created.body)}`);
    await this.database.transaction((tx) => saveRegistration(tx, created.body.id, this.config.ORDER_WEBHOOK_URL, created.body.secret));
    this.secrets.forget();
    this.registered = true;
    this.logger.info({ endpointId: created.body.id, url: this.config.ORDER_WEBHOOK_URL }, 'registered the webhook endpoint with the dispatcher');
    return created.body.id;
  }

  /**
   * Rotates the secret at the dispatcher and keeps the old one valid here until the
   * dispatcher stops signing with it, so no webhook in between fails verification.
   */
  async rotate(): Promise<{ endpointId: string; previousSecretExpiresAt: string }> {
    const endpointId = await this.ensureRegistered();
    const rotated = await this.dispatcher('POST', `/v1/endpoints/${endpointId}/secret/rotate`);
    if (rotated.status !== 200) throw new Error(`dispatcher refused the rotation: ${rotated.status}`);
    await this.database.transaction((tx) => rotateSecret(tx, rotated.body.secret, rotated.body.previousSecretExpiresAt));
    this.secrets.forget();
    return { endpointId, previousSecretExpiresAt: rotated.body.previousSecretExpiresAt };
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async dispatcher(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.config.WEBHOOK_DISPATCHER_URL}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.config.DISPATCHER_API_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  }
}
