import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EVENT_TYPE_CATALOGUE, type PaymentEvent } from '@payhook/contracts';
import { createKafka, MessageProducer } from '@payhook/messaging';
import { TEST_DISPATCHER_API_KEY, waitFor, type TestStack } from '@payhook/testkit';
import type { Probes } from '../measure/probes';
import { postJson } from './open-loop';

/** A type order-service does not take, so these webhooks go to the bench's endpoints only. */
const EVENT_TYPE = 'payment.requires_capture';

export interface DispatcherOnlyResult {
  events: number;
  endpoints: number;
  webhooks: number;
  /** Signed, POSTed and recorded as delivered, per second, from the first event produced to the last delivery committed. */
  webhooksPerSecond: number;
  /** Ingest (Kafka → delivery rows) per second over the same run. */
  deliveryRowsPerSecond: number;
}

/** A receiver that answers 204 at once: the dispatcher is all that is measured. */
export async function startInstantReceiver(): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, server };
}

const EXAMPLE = EVENT_TYPE_CATALOGUE.find((entry) => entry.type === EVENT_TYPE)?.example as PaymentEvent;

/** The catalogue's example of the type, with an id of its own and one of 997 payments. */
function syntheticEvent(index: number): { key: string; value: string; headers: Record<string, string> } {
  const id = randomUUID();
  const paymentId = `pay_bench_${index % 997}`;
  const value = JSON.stringify({ ...EXAMPLE, id, data: { object: { ...EXAMPLE.data.object, id: paymentId, orderId: `ord_bench_${index}` } } });
  return { key: paymentId, value, headers: { 'event-id': id, 'event-type': EVENT_TYPE } };
}

/**
 * The dispatcher alone: `events` payment events are put straight on its topic, and each is
 * delivered to `endpoints` endpoints that answer at once. Counts what was signed, sent and
 * recorded per second. The endpoints are deleted afterwards (their deliveries with them).
 */
export async function runDispatcherOnly(stack: TestStack, probes: Probes, options: { brokers: string; receiverUrl: string; events: number; endpoints: number }): Promise<DispatcherOnlyResult> {
  const dispatcherUrl = stack.urls['webhook-dispatcher'];
  const auth = { authorization: `Bearer ${TEST_DISPATCHER_API_KEY}` };
  const endpointIds: string[] = [];
  const kafka = createKafka({ brokers: options.brokers, clientId: 'payhook-bench-dispatcher-only', log: () => undefined });
  const producer = new MessageProducer(kafka);
  try {
    for (let i = 0; i < options.endpoints; i++) {
      const created = await postJson(`${dispatcherUrl}/v1/endpoints`, { url: options.receiverUrl, eventTypes: [EVENT_TYPE], description: 'bench: dispatcher only' }, auth);
      if (created.status !== 201) throw new Error(`could not create a bench endpoint: ${created.status} ${created.body}`);
      endpointIds.push(JSON.parse(created.body).id);
    }
    await producer.connect();
    const webhooks = options.events * options.endpoints;
    const started = Date.now();
    for (let sent = 0; sent < options.events; sent += 500) {
      const batch = Array.from({ length: Math.min(500, options.events - sent) }, (_, i) => syntheticEvent(sent + i));
      await producer.send(stack.env.PAYMENT_EVENTS_TOPIC, batch);
    }
    // Polled cheaply (an index probe, on the bench's own connections), so the watching does not load the database it watches.
    const done = async () =>
      (await probes.count('webhook-dispatcher', `SELECT count(*) AS n FROM (SELECT 1 FROM deliveries WHERE endpoint_id = ANY($1) AND status = 'pending' LIMIT 1) p`, [endpointIds])) ===
        0 && (await probes.count('webhook-dispatcher', `SELECT count(*) AS n FROM deliveries WHERE endpoint_id = ANY($1) AND status = 'delivered'`, [endpointIds])) === webhooks;
    await waitFor(done, { timeoutMs: 600_000, intervalMs: 250, description: `the ${webhooks} dispatcher-only webhooks to be delivered` });
    const [span] = await stack.query<{ last_delivered: number; last_created: number }>(
      'webhook-dispatcher',
      `SELECT (extract(epoch FROM max(delivered_at)) * 1000)::float8 AS last_delivered, (extract(epoch FROM max(created_at)) * 1000)::float8 AS last_created
       FROM deliveries WHERE endpoint_id = ANY($1)`,
      [endpointIds],
    );
    return {
      events: options.events,
      endpoints: options.endpoints,
      webhooks,
      webhooksPerSecond: (webhooks * 1000) / Math.max(span.last_delivered - started, 1),
      deliveryRowsPerSecond: (webhooks * 1000) / Math.max(span.last_created - started, 1),
    };
  } finally {
    await producer.disconnect();
    for (const id of endpointIds) {
      await fetch(`${dispatcherUrl}/v1/endpoints/${id}`, { method: 'DELETE', headers: auth }).catch(() => undefined);
    }
  }
}
