import { Webhook } from 'standardwebhooks';
import { LISTENER_AWAY } from '../src/listeners/listener-url';
import { API_KEY, InProcessDispatcher, paymentEvent } from './support';

// Listeners (`payhook listen`): endpoints whose webhooks go down a Server-Sent Events stream
// and whose outcome the listener reports. The dispatcher in process on real Postgres and Kafka.
const dispatcher = new InProcessDispatcher('listeners', { WEBHOOK_RETRY_SCHEDULE: '300ms,300ms,300ms,300ms', WEBHOOK_TIMEOUT_MS: '1500', WEBHOOK_POLL_INTERVAL_MS: '200' });
const { api } = dispatcher;
const streams = new Set<AbortController>();

interface Message {
  event: string;
  data: string;
}

/** Opens a listener's stream; `next(type)` resolves with the next message of that type. */
async function openStream(name: string) {
  const abort = new AbortController();
  streams.add(abort);
  const response = await fetch(`${dispatcher.url}/v1/listeners/${name}/stream`, { headers: { authorization: `Bearer ${API_KEY}` }, signal: abort.signal });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const next = async (type: string): Promise<Message> => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message = { event: /^event: (.*)$/m.exec(block)?.[1] ?? 'message', data: /^data: (.*)$/m.exec(block)?.[1] ?? '' };
        if (message.event === type) return message;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended before a ${type} message`);
      buffer += decoder.decode(value, { stream: true });
    }
  };
  const close = () => {
    abort.abort();
    streams.delete(abort);
  };
  return { next, close };
}

const endpointOf = async (id: string) => (await api('GET', `/v1/endpoints/${id}`)).body;

beforeAll(() => dispatcher.start(), 60_000);
afterAll(async () => {
  for (const stream of streams) stream.abort();
  await dispatcher.stop();
}, 30_000);

describe('listeners', () => {
  it('refuses a bad name, unknown types, an unknown listener and a report nobody awaits, each with a clear 4xx', async () => {
    expect((await api('PUT', '/v1/listeners/Not%20A%20Name', {})).body.error.code).toBe('invalid_listener_name');
    const unknownType = await api('PUT', '/v1/listeners/typo', { eventTypes: ['payment.nope'] });
    expect([unknownType.status, unknownType.body.error.code]).toEqual([422, 'unknown_event_type']);
    const stream = await fetch(`${dispatcher.url}/v1/listeners/never-opened/stream`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(stream.status).toBe(404);
    expect(((await stream.json()) as { error: { code: string } }).error.code).toBe('listener_not_found');
    await api('PUT', '/v1/listeners/quiet', {});
    const stray = await api('POST', '/v1/listeners/quiet/reports', { deliveryId: 'msg_nothing', statusCode: 200, durationMs: 3 });
    expect([stray.status, stray.body.error.code]).toEqual([404, 'webhook_not_awaited']);
    const both = await api('POST', '/v1/listeners/quiet/reports', { deliveryId: 'msg_nothing', statusCode: 200, error: 'x', durationMs: 3 });
    expect(both.status).toBe(400);
  });

  it('holds what comes while no listener is connected, then streams it signed and records the reported answer', async () => {
    const opened = await api('PUT', '/v1/listeners/held', { eventTypes: ['payment.succeeded'] });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ name: 'held', connected: false, eventTypes: ['payment.succeeded'] });
    expect(await endpointOf(opened.body.endpointId)).toMatchObject({ url: 'listen://held', status: 'disabled', disabledReason: LISTENER_AWAY });
    // Opened again without types: PUT replaces, so it takes every type; then back to one.
    expect((await api('PUT', '/v1/listeners/held', {})).body.eventTypes).toHaveLength(6);
    expect((await api('PUT', '/v1/listeners/held', { eventTypes: ['payment.succeeded'] })).body).toMatchObject({ endpointId: opened.body.endpointId, eventTypes: ['payment.succeeded'] });
    const event = paymentEvent('payment.succeeded');
    await dispatcher.publish(event);
    await dispatcher.settled(opened.body.endpointId, 'held', 1);

    const stream = await openStream('held');
    try {
      expect(JSON.parse((await stream.next('ready')).data)).toEqual({ name: 'held', endpointId: opened.body.endpointId });
      const webhook = JSON.parse((await stream.next('webhook')).data) as { deliveryId: string; headers: Record<string, string>; body: string };
      expect(JSON.parse(webhook.body)).toEqual(event);
      expect(webhook.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-id': webhook.deliveryId });
      expect(new Webhook(opened.body.secret).verify(webhook.body, webhook.headers)).toEqual(event);
      expect(await endpointOf(opened.body.endpointId)).toMatchObject({ status: 'enabled', disabledReason: null });

      const reported = await api('POST', '/v1/listeners/held/reports', { deliveryId: webhook.deliveryId, statusCode: 202, durationMs: 7, responseBodyBase64: Buffer.from('ok').toString('base64') });
      expect(reported.status).toBe(204);
      await dispatcher.settled(opened.body.endpointId, 'delivered', 1);
      const delivery = (await api('GET', `/v1/deliveries/${webhook.deliveryId}`)).body;
      // The attempt log keeps the listener's own timing of its local POST.
      expect(delivery.attemptLog).toEqual([expect.objectContaining({ statusCode: 202, responseBody: 'ok', error: null, durationMs: 7 })]);
    } finally {
      stream.close();
    }
    // The connection gone, the endpoint holds again.
    await dispatcher.settled(opened.body.endpointId, 'delivered', 1);
    for (let i = 0; i < 50 && (await endpointOf(opened.body.endpointId)).status !== 'disabled'; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await endpointOf(opened.body.endpointId)).toMatchObject({ status: 'disabled', disabledReason: LISTENER_AWAY });
  });

  it('counts a listener that does not report in time as a failed attempt, and sends it again', async () => {
    const opened = await api('PUT', '/v1/listeners/slow', { eventTypes: ['payment.refunded'] });
    const stream = await openStream('slow');
    try {
      await stream.next('ready');
      await dispatcher.publish(paymentEvent('payment.refunded'));
      const first = JSON.parse((await stream.next('webhook')).data) as { deliveryId: string };
      // Not reported: after WEBHOOK_TIMEOUT_MS the attempt fails and the same delivery comes again.
      const second = JSON.parse((await stream.next('webhook')).data) as { deliveryId: string };
      expect(second.deliveryId).toBe(first.deliveryId);
      const delivery = (await api('GET', `/v1/deliveries/${first.deliveryId}`)).body;
      expect(delivery.attemptLog[0].error).toMatch(/the listener did not report/);
      expect((await api('POST', '/v1/listeners/slow/reports', { deliveryId: second.deliveryId, statusCode: 204, durationMs: 1 })).status).toBe(204);
      await dispatcher.settled(opened.body.endpointId, 'delivered', 1);
    } finally {
      stream.close();
    }
  });
});
