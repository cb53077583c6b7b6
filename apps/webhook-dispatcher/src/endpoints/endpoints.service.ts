import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { isPaymentEventType, PAYMENT_EVENT_TYPES } from '@payhook/contracts';
import { ApiError, Database, type Sql } from '@payhook/platform';
import { generateSecret } from '@payhook/webhook-signature';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../config';
import {
  createEndpoint,
  deleteEndpoint,
  findEndpoint,
  listEndpoints,
  lockEndpoint,
  rotateEndpointSecret,
  updateEndpoint,
  type EndpointRow,
} from '../store/endpoints';
import { checkTargetUrl } from './domain/target-address';
import type { CreateEndpointRequest, UpdateEndpointRequest } from './endpoint-requests';
import type { Endpoint } from './endpoint-responses';
import { disableEndpoint, enableEndpoint } from './endpoint-status';

export function toEndpoint(row: EndpointRow): Endpoint {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.event_types ?? [...PAYMENT_EVENT_TYPES],
    status: row.status,
    disabledReason: row.disabled_reason,
    rateLimitPerSecond: row.rate_limit_per_second,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** The event types named, each known (422 `unknown_event_type` otherwise), without repeats. */
export function checkEventTypes(types: string[]): string[] {
  const unknown = types.filter((t) => !isPaymentEventType(t));
  if (unknown.length > 0) {
    throw new ApiError(
      422,
      'unknown_event_type',
      `eventTypes: unknown event type${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${PAYMENT_EVENT_TYPES.join(', ')}.`,
    );
  }
  return [...new Set(types)];
}

const notFound = () => new ApiError(404, 'endpoint_not_found', 'No such endpoint.');

@Injectable()
export class EndpointsService {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
  ) {}

  async create(tx: Sql, request: CreateEndpointRequest): Promise<Endpoint & { secret: string }> {
    const url = this.checkUrl(request.url);
    const eventTypes = request.eventTypes ? checkEventTypes(request.eventTypes) : null;
    const id = `ep_${randomUUID().replace(/-/g, '')}`;
    const secret = request.secret ?? generateSecret();
    const row = await createEndpoint(tx, { id, url, description: request.description ?? null, eventTypes, rateLimitPerSecond: request.rateLimitPerSecond ?? null, secret });
    return { ...toEndpoint(row as EndpointRow), secret };
  }

  async list(): Promise<Endpoint[]> {
    return (await listEndpoints(this.database)).map(toEndpoint);
  }

  async get(id: string): Promise<Endpoint> {
    const row = await findEndpoint(this.database, id);
    if (!row) throw notFound();
    return toEndpoint(row);
  }

  async update(tx: Sql, id: string, request: UpdateEndpointRequest): Promise<Endpoint> {
    const url = request.url === undefined ? undefined : this.checkUrl(request.url);
    const eventTypes = request.eventTypes ? checkEventTypes(request.eventTypes) : request.eventTypes;
    // The endpoint's lock first, then its deliveries (endpoint-status.ts).
    const current = await lockEndpoint(tx, id);
    if (!current) throw notFound();
    if (request.status === 'disabled') await disableEndpoint(tx, id, 'disabled through the API');
    if (request.status === 'enabled') await enableEndpoint(tx, id, this.config.WEBHOOK_HOLD_MAX_AGE);
    const row = await updateEndpoint(tx, id, { url, eventTypes, description: request.description, rateLimitPerSecond: request.rateLimitPerSecond });
    return toEndpoint(row as EndpointRow);
  }

  async remove(tx: Sql, id: string): Promise<void> {
    if (!(await deleteEndpoint(tx, id))) throw notFound();
  }

  /** A new current secret; the old one keeps signing (a second signature) for the overlap window. */
  async rotateSecret(tx: Sql, id: string): Promise<{ id: string; secret: string; previousSecretExpiresAt: string }> {
    const secret = generateSecret();
    const expiresAt = new Date(Date.now() + this.config.WEBHOOK_SECRET_ROTATION_OVERLAP);
    if (!(await lockEndpoint(tx, id))) throw notFound();
    await rotateEndpointSecret(tx, id, secret, expiresAt);
    return { id, secret, previousSecretExpiresAt: expiresAt.toISOString() };
  }

  private checkUrl(value: string): string {
    const result = checkTargetUrl(value, this.config.WEBHOOK_ALLOWED_PRIVATE_TARGETS);
    if (!result.ok) throw new ApiError(result.code === 'invalid_url' ? 400 : 422, result.code, result.message);
    return result.url.toString();
  }
}
