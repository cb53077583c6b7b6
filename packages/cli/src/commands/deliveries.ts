import { call, type Service } from '../api';
import { table } from '../table';

interface Delivery {
  id: string;
  endpointId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
}

export interface DeliveriesOptions {
  endpoint?: string;
  status?: string;
  eventType?: string;
  limit: string;
  json?: boolean;
}

/** `payhook deliveries`: the newest deliveries, filtered, as a table (or their JSON). */
export async function deliveries(dispatcher: Service, options: DeliveriesOptions): Promise<string> {
  const query = new URLSearchParams({ limit: options.limit });
  if (options.endpoint) query.set('endpointId', options.endpoint);
  if (options.status) query.set('status', options.status);
  if (options.eventType) query.set('eventType', options.eventType);
  const { data } = await call<{ data: Delivery[] }>(dispatcher, 'GET', `/v1/deliveries?${query}`);
  if (options.json) return JSON.stringify(data, null, 2);
  return table(
    ['created', 'delivery', 'event type', 'status', 'attempts', 'last answer', 'endpoint'],
    data.map((d) => [d.createdAt, d.id, d.eventType, d.status, d.attempts, d.lastStatusCode ?? d.lastError, d.endpointId]),
  );
}

/** `payhook resend <id>`: sends the delivery again now (same webhook-id, fresh signature). */
export async function resend(dispatcher: Service, id: string): Promise<string> {
  const delivery = await call<Delivery>(dispatcher, 'POST', `/v1/deliveries/${encodeURIComponent(id)}/retry`);
  return `${delivery.id} queued to be sent again now (${delivery.eventType} to ${delivery.endpointId}, ${delivery.attempts} attempts so far)`;
}
