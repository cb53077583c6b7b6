import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError, Database, LOGGER } from '@payhook/platform';
import { generateSecret } from '@payhook/webhook-signature';
import type { Logger } from 'pino';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../config';
import { checkEventTypes, toEndpoint } from '../endpoints/endpoints.service';
import { disableEndpoint, enableEndpoint } from '../endpoints/endpoint-status';
import { makePendingDueNow, wakeDeliveryWorkers } from '../store/deliveries';
import { createEndpoint, currentSecret, findEndpointByUrl, lockEndpoint, updateEndpoint, type EndpointRow } from '../store/endpoints';
import { ListenerHub } from './listener-hub';
import { LISTENER_AWAY, listenerUrl } from './listener-url';

export interface OpenedListener {
  name: string;
  endpointId: string;
  eventTypes: string[];
  connected: boolean;
  secret: string;
}

/**
 * Listeners are endpoints whose URL is `listen://<name>`: their webhooks go to a
 * `payhook listen` connected to this dispatcher instead of an HTTP POST, and are ordinary
 * deliveries otherwise (recorded, retried, in the attempt log). While no listener is
 * connected the endpoint is disabled, so what arrives is held, not failed, and sent when one
 * connects again, oldest first: a restarted CLI loses nothing.
 */
@Injectable()
export class ListenersService {
  /** Per endpoint, the status change in progress: changes run one after another, each to what the hub says now. */
  private readonly settling = new Map<string, Promise<void>>();

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly hub: ListenerHub,
  ) {}

  /**
   * The listener called `name`, created (held until one connects) or with its event types
   * set to these (all, when none are named: PUT replaces); with its signing secret.
   */
  async open(name: string, eventTypes: string[] | undefined): Promise<OpenedListener> {
    const types = eventTypes ? checkEventTypes(eventTypes) : null;
    const row = await this.database.transaction(async (tx) => {
      const existing = await findEndpointByUrl(tx, listenerUrl(name));
      if (!existing) {
        const id = `ep_${randomUUID().replace(/-/g, '')}`;
        await createEndpoint(tx, { id, url: listenerUrl(name), description: `payhook listen (${name})`, eventTypes: types, rateLimitPerSecond: null, secret: generateSecret() });
        await disableEndpoint(tx, id, LISTENER_AWAY);
        return (await lockEndpoint(tx, id)) as EndpointRow;
      }
      await lockEndpoint(tx, existing.id);
      return (await updateEndpoint(tx, existing.id, { eventTypes: types })) as EndpointRow;
    });
    const secret = await currentSecret(this.database, row.id);
    if (!secret) throw new ApiError(409, 'listener_without_secret', 'The listener endpoint has no current secret; rotate it.');
    return { name, endpointId: row.id, eventTypes: toEndpoint(row).eventTypes, connected: this.hub.isConnected(row.id), secret };
  }

  async find(name: string): Promise<EndpointRow> {
    const row = await findEndpointByUrl(this.database, listenerUrl(name));
    if (!row) throw new ApiError(404, 'listener_not_found', `No listener called ${name}: open it with PUT /v1/listeners/${name} first.`);
    return row;
  }

  /**
   * Brings the endpoint's status to what the hub says now: enabled, with what it held and
   * its retries due now, while a listener is connected here; disabled (holding) when none is.
   */
  settle(endpointId: string): Promise<void> {
    const next = (this.settling.get(endpointId) ?? Promise.resolve())
      .then(() => this.applyStatus(endpointId))
      .catch((error: unknown) => this.logger.error({ err: error, endpointId }, 'could not change a listener endpoint’s status'));
    this.settling.set(endpointId, next);
    void next.finally(() => {
      if (this.settling.get(endpointId) === next) this.settling.delete(endpointId);
    });
    return next;
  }

  private async applyStatus(endpointId: string): Promise<void> {
    const connected = this.hub.isConnected(endpointId);
    await this.database.transaction(async (tx) => {
      // The endpoint's lock first, then its deliveries (endpoint-status.ts).
      const endpoint = await lockEndpoint(tx, endpointId);
      if (!endpoint) return;
      if (!connected) {
        await disableEndpoint(tx, endpointId, LISTENER_AWAY);
        return;
      }
      await enableEndpoint(tx, endpointId, this.config.WEBHOOK_HOLD_MAX_AGE);
      if ((await makePendingDueNow(tx, endpointId)) > 0) await wakeDeliveryWorkers(tx);
    });
  }
}
