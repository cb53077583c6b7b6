import { call, type Service } from '../api';
import { table } from '../table';

interface EventEntry {
  id: string;
  type: string;
  receivedAt: string;
  event: { data?: { object?: { id?: string; orderId?: string; amount?: number; currency?: string; status?: string } } };
}

export interface EventsOptions {
  since?: string;
  type?: string;
  limit: string;
  json?: boolean;
}

/** `payhook events`: the payment events the dispatcher holds, newest first, as a table (or their JSON). */
export async function events(dispatcher: Service, options: EventsOptions): Promise<string> {
  const query = new URLSearchParams({ limit: options.limit });
  if (options.since) query.set('since', options.since);
  if (options.type) query.set('type', options.type);
  const { data } = await call<{ data: EventEntry[] }>(dispatcher, 'GET', `/v1/events?${query}`);
  if (options.json) return JSON.stringify(data, null, 2);
  return table(
    ['received', 'event', 'type', 'payment', 'order', 'amount', 'status'],
    data.map((e) => {
      const payment = e.event.data?.object ?? {};
      return [e.receivedAt, e.id, e.type, payment.id, payment.orderId, payment.amount === undefined ? undefined : `${payment.amount} ${payment.currency}`, payment.status];
    }),
  );
}
