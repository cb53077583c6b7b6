import { PAYMENT_EVENT_TYPES, type PaymentEvent } from '@payhook/contracts';
import { waitFor, WebhookReceiver } from '@payhook/testkit';
import { Webhook } from 'standardwebhooks';
import { postWebhook } from '../src/deliveries/http-sender';
import { NOTHING_ALLOWED } from '../src/endpoints/domain/private-allowlist';
import { Housekeeping } from '../src/housekeeping/housekeeping';
import { InProcessDispatcher, paymentEvent } from './support';

// The dispatcher in process on real Postgres and Kafka, delivering to real local receivers.
const dispatcher = new InProcessDispatcher('delivery', {
  WEBHOOK_RETRY_SCHEDULE: '300ms,300ms,300ms',
  WEBHOOK_TIMEOUT_MS: '1500',
  WEBHOOK_SECRET_ROTATION_OVERLAP: '3s',
  WEBHOOK_POLL_INTERVAL_MS: '200',
});
const { api } = dispatcher;
const publish = (...events: PaymentEvent[]) => dispatcher.publish(...events);
const receiverWithEndpoint = (options: Record<string, unknown> = {}) => dispatcher.receiverWithEndpoint(options);
const deliveriesOf = (endpointId: string, status?: string) => dispatcher.deliveriesOf(endpointId, status);
const settled = (endpointId: string, status: string, count: number, timeoutMs?: number) => dispatcher.settled(endpointId, status, count, timeoutMs);

beforeAll(() => dispatcher.start(), 60_000);
afterEach(() => dispatcher.removeEndpoints());
afterAll(() => dispatcher.stop(), 30_000);

describe('delivery', () => {
  it('sends an event to every subscribed endpoint and no other, signed so standardwebhooks verifies it', async () => {
    const all = await receiverWithEndpoint();
    const succeededOnly = await receiverWithEndpoint({ eventTypes: ['payment.succeeded'] });
    const refundsOnly = await receiverWithEndpoint({ eventTypes: ['payment.refunded'] });
    const disabled = await receiverWithEndpoint();
    await api('PATCH', `/v1/endpoints/${disabled.endpoint.id}`, { status: 'disabled' });

    const event = paymentEvent('payment.succeeded');
    await publish(event);
    await all.receiver.waitUntil((r) => r.length === 1, 'the all-events endpoint to get it');
    await succeededOnly.receiver.waitUntil((r) => r.length === 1, 'the payment.succeeded endpoint to get it');
    await settled(all.endpoint.id, 'delivered', 1);
    await settled(succeededOnly.endpoint.id, 'delivered', 1);
    expect(refundsOnly.receiver.received).toHaveLength(0);
    expect(disabled.receiver.received).toHaveLength(0);

    for (const { receiver, endpoint } of [all, succeededOnly]) {
      const [webhook] = receiver.received;
      expect(webhook.headers['content-type']).toBe('application/json');
      expect(webhook.webhookId).toMatch(/^msg_/);
      expect(JSON.parse(webhook.body)).toEqual(event);
      const headers = {
        'webhook-id': webhook.headers['webhook-id'] as string,
        'webhook-timestamp': webhook.headers['webhook-timestamp'] as string,
        'webhook-signature': webhook.headers['webhook-signature'] as string,
      };
      expect(new Webhook(endpoint.secret).verify(webhook.body, headers)).toEqual(event);
      expect(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    }
    // The webhook-id is per event and endpoint.
    expect(all.receiver.received[0].webhookId).not.toBe(succeededOnly.receiver.received[0].webhookId);
  });

  it('retries a receiver that fails twice: delivered on the third attempt, three attempts logged', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respondWith(({ n }) => (n <= 2 ? { status: 500, body: `boom ${n}` } : { status: 200, body: 'ok' }));
    await publish(paymentEvent());
    await settled(endpoint.id, 'delivered', 1);
    const [delivery] = await deliveriesOf(endpoint.id);
    const { body } = await api('GET', `/v1/deliveries/${delivery.id}`);
    expect(body).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null });
    expect(body.attemptLog.map((a: { statusCode: number; responseBody: string; error: string | null }) => [a.statusCode, a.responseBody, a.error])).toEqual([
      [500, 'boom 1', 'HTTP 500'],
      [500, 'boom 2', 'HTTP 500'],
      [200, 'ok', null],
    ]);
    // Same webhook-id every time; a fresh timestamp and signature that verify each time.
    expect(new Set(receiver.received.map((r) => r.webhookId))).toEqual(new Set([delivery.id]));
    expect(receiver.received.every((r) => r.verification.ok)).toBe(true);
    // The waits follow the schedule (300 ms ± 20 %), measured between arrivals.
    for (let i = 1; i < 3; i++) expect(receiver.received[i].receivedAt - receiver.received[i - 1].receivedAt).toBeGreaterThanOrEqual(230);
  });

  it('fails a delivery (dead letter) when the schedule is spent', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respondWith(() => ({ status: 502 }));
    await publish(paymentEvent());
    await settled(endpoint.id, 'failed', 1);
    const [delivery] = await deliveriesOf(endpoint.id);
    expect(delivery.attempts).toBe(4);
    expect(receiver.received).toHaveLength(4);
  });

  it('keeps only the first bytes of a response', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respondWith(() => ({ status: 200, body: 'x'.repeat(100_000) }));
    await publish(paymentEvent());
    await settled(endpoint.id, 'delivered', 1);
    const [delivery] = await deliveriesOf(endpoint.id);
    const { body } = await api('GET', `/v1/deliveries/${delivery.id}`);
    expect(body.attemptLog[0].responseBody).toHaveLength(1024);
  });

  it('treats a redirect as a failure and does not follow it', async () => {
    const target = await receiverWithEndpoint();
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respondWith(() => ({ status: 307, headers: { location: target.receiver.url } }));
    await publish(paymentEvent());
    await settled(endpoint.id, 'failed', 1);
    expect(target.receiver.received.filter((r) => r.webhookId && r.headers['webhook-id'] !== undefined)).toHaveLength(1); // its own delivery only
  });

  it('disables the endpoint on 410 Gone', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respondWith(() => ({ status: 410 }));
    await publish(paymentEvent());
    await settled(endpoint.id, 'failed', 1);
    const { body } = await api('GET', `/v1/endpoints/${endpoint.id}`);
    expect(body).toMatchObject({ status: 'disabled', disabledReason: 'the receiver answered 410 Gone' });
    expect(receiver.received).toHaveLength(1);
  });

  it('disables an endpoint that has failed without a success for WEBHOOK_DISABLE_AFTER (5 days)', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respondWith(() => ({ status: 500 }));
    await dispatcher.dataSource.query(`UPDATE endpoints SET failing_since = now() - interval '5 days 1 hour' WHERE id = $1`, [endpoint.id]);
    await publish(paymentEvent());
    // Its retry waits, held, for the endpoint to be enabled again.
    await settled(endpoint.id, 'held', 1);
    const { body } = await api('GET', `/v1/endpoints/${endpoint.id}`);
    expect(body).toMatchObject({ status: 'disabled', disabledReason: 'no successful delivery for 121 h' });
    expect(receiver.received).toHaveLength(1);
  });

  it('a success clears the failing streak', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respondWith(({ n }) => ({ status: n === 1 ? 500 : 204 }));
    await publish(paymentEvent());
    await settled(endpoint.id, 'delivered', 1);
    // Cleared just after the delivery is recorded (its own short transaction).
    await waitFor(async () => (await dispatcher.dataSource.query('SELECT failing_since FROM endpoints WHERE id = $1', [endpoint.id]))[0].failing_since === null, {
      timeoutMs: 5_000,
      description: 'the failing clock cleared',
    });
  });

  it('honours Retry-After on 429', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respondWith(({ n }) => (n === 1 ? { status: 429, headers: { 'retry-after': '2' } } : { status: 204 }));
    await publish(paymentEvent());
    await settled(endpoint.id, 'delivered', 1);
    const [first, second] = receiver.received;
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(1900);
  });

  it('a slow receiver times out without delaying another endpoint', async () => {
    const slow = await receiverWithEndpoint();
    slow.receiver.respondWith(() => ({ status: 200, delayMs: 10_000 }));
    const fast = await receiverWithEndpoint();
    const events = Array.from({ length: 20 }, () => paymentEvent());
    await publish(...events);
    await fast.receiver.waitUntil((r) => r.length === 20, 'the fast endpoint to get all 20');
    await settled(fast.endpoint.id, 'delivered', 20);
    // No attempt on the slow endpoint has finished yet: the fast one never waited for it.
    const dataSource = dispatcher.dataSource;
    const [{ n }] = await dataSource.query(
      'SELECT count(*)::int AS n FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1',
      [slow.endpoint.id],
    );
    expect(n).toBe(0);
    await waitFor(
      async () => {
        const rows = await dataSource.query(
          `SELECT a.error FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id WHERE d.endpoint_id = $1`,
          [slow.endpoint.id],
        );
        return rows.length > 0 && rows.every((r: { error: string }) => r.error === 'timeout after 1500 ms');
      },
      { timeoutMs: 10_000, description: 'the slow endpoint attempts to time out' },
    );
  });

  it('enforces rateLimitPerSecond', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint({ rateLimitPerSecond: 5 });
    await publish(...Array.from({ length: 15 }, () => paymentEvent()));
    await settled(endpoint.id, 'delivered', 15, 20_000);
    const times = receiver.received.map((r) => r.receivedAt).sort((a, b) => a - b);
    // A burst of 5 (one second's worth), then one every 200 ms: the (i+1)-th no sooner than (i-4) × 200 ms, less the first send's own latency.
    expect(times[14] - times[0]).toBeGreaterThanOrEqual(1700);
    for (let i = 5; i < times.length; i++) expect(times[i] - times[0]).toBeGreaterThanOrEqual((i - 4) * 200 - 100);
  });

  it('consumes the same Kafka message twice but delivers it once per endpoint', async () => {
    const first = await receiverWithEndpoint();
    const second = await receiverWithEndpoint();
    const event = paymentEvent();
    await publish(event);
    await publish(event);
    const marker = paymentEvent();
    await publish(marker);
    await settled(first.endpoint.id, 'delivered', 2);
    await settled(second.endpoint.id, 'delivered', 2);
    for (const { endpoint, receiver } of [first, second]) {
      expect((await deliveriesOf(endpoint.id)).map((d) => d.eventId).sort()).toEqual([event.id, marker.id].sort());
      expect(receiver.received.filter((r) => JSON.parse(r.body).id === event.id)).toHaveLength(1);
    }
  });
});

describe('housekeeping', () => {
  it('removes delivered deliveries past the retention window, with their attempts and events, and keeps failed ones', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    const dataSource = dispatcher.dataSource;
    // Only this endpoint gets these events: another test's endpoint, still busy with its
    // own copy of `removed`, would rightly keep the event.
    await dataSource.query(`UPDATE endpoints SET status = 'disabled' WHERE id <> $1`, [endpoint.id]);
    receiver.respondWith(({ n }) => ({ status: n === 1 ? 204 : 500 }));
    const [kept, removed, failed] = [paymentEvent(), paymentEvent(), paymentEvent()];
    await publish(removed);
    await settled(endpoint.id, 'delivered', 1);
    await publish(failed);
    await settled(endpoint.id, 'failed', 1);
    receiver.respondWith(() => ({ status: 204 }));
    await publish(kept);
    await settled(endpoint.id, 'delivered', 2);
    // Age all but `kept` past the 7-day default retention.
    await dataSource.query(
      `UPDATE deliveries SET delivered_at = now() - interval '8 days', created_at = now() - interval '8 days' WHERE event_id <> $1 AND endpoint_id = $2`,
      [kept.id, endpoint.id],
    );
    await dataSource.query(`UPDATE events SET received_at = now() - interval '8 days' WHERE id <> $1`, [kept.id]);
    while ((await dispatcher.app.get(Housekeeping).sweep()) > 0);
    const left = await deliveriesOf(endpoint.id);
    expect(left.map((d) => [d.eventId, d.status]).sort()).toEqual([[kept.id, 'delivered'], [failed.id, 'failed']].sort());
    const events: Array<{ id: string }> = await dataSource.query('SELECT id FROM events WHERE id = ANY($1)', [[kept.id, removed.id, failed.id]]);
    expect(events.map((e) => e.id).sort()).toEqual([kept.id, failed.id].sort());
  });
});

describe('secret rotation', () => {
  it('signs with both secrets during the overlap, then with the new one only', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    const rotated = await api('POST', `/v1/endpoints/${endpoint.id}/secret/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    receiver.setSecrets([rotated.body.secret]);

    await publish(paymentEvent());
    const [during] = await receiver.waitUntil((r) => r.length === 1, 'a webhook during the overlap');
    const headersOf = (w: typeof during) => ({
      'webhook-id': w.headers['webhook-id'] as string,
      'webhook-timestamp': w.headers['webhook-timestamp'] as string,
      'webhook-signature': w.headers['webhook-signature'] as string,
    });
    expect(headersOf(during)['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => new Webhook(endpoint.secret).verify(during.body, headersOf(during))).not.toThrow();
    expect(() => new Webhook(rotated.body.secret).verify(during.body, headersOf(during))).not.toThrow();

    await new Promise((resolve) => setTimeout(resolve, 3_200));
    await publish(paymentEvent());
    const [, after] = await receiver.waitUntil((r) => r.length === 2, 'a webhook after the overlap');
    expect(headersOf(after)['webhook-signature'].split(' ')).toHaveLength(1);
    expect(() => new Webhook(rotated.body.secret).verify(after.body, headersOf(after))).not.toThrow();
    expect(() => new Webhook(endpoint.secret).verify(after.body, headersOf(after))).toThrow();
  });
});

describe('replay', () => {
  it('retries a failed delivery by hand: same webhook-id, fresh signature', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respondWith(() => ({ status: 500 }));
    await publish(paymentEvent());
    await settled(endpoint.id, 'failed', 1);
    const [delivery] = await deliveriesOf(endpoint.id);
    receiver.respondWith(() => ({ status: 204 }));
    const retried = await api('POST', `/v1/deliveries/${delivery.id}/retry`);
    expect(retried.status).toBe(202);
    await settled(endpoint.id, 'delivered', 1);
    const last = receiver.received[receiver.received.length - 1];
    expect(last.webhookId).toBe(delivery.id);
    expect(last.verification.ok).toBe(true);
    expect(Number(last.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(Number(receiver.received[0].headers['webhook-timestamp']));
    expect((await api('GET', `/v1/deliveries/${delivery.id}`)).body.attemptLog).toHaveLength(5);
  });

  it("recovers an endpoint's failed deliveries in a window", async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const { receiver, endpoint } = await receiverWithEndpoint();
    await receiver.goAway();
    await publish(paymentEvent(), paymentEvent());
    await settled(endpoint.id, 'failed', 2);
    const attempt = (await api('GET', `/v1/deliveries/${(await deliveriesOf(endpoint.id))[0].id}`)).body.attemptLog[0];
    expect(attempt.error).toMatch(/^ECONNREFUSED/);
    await receiver.comeBack();
    const none = await api('POST', `/v1/endpoints/${endpoint.id}/recover`, { since: new Date(Date.now() + 60_000).toISOString() });
    expect(none.body).toEqual({ recovered: 0 });
    const recovered = await api('POST', `/v1/endpoints/${endpoint.id}/recover`, { since });
    expect([recovered.status, recovered.body]).toEqual([202, { recovered: 2 }]);
    await settled(endpoint.id, 'delivered', 2);
  });

  it('refuses to retry for a disabled endpoint', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respondWith(() => ({ status: 410 }));
    await publish(paymentEvent());
    await settled(endpoint.id, 'failed', 1);
    const [delivery] = await deliveriesOf(endpoint.id);
    expect((await api('POST', `/v1/deliveries/${delivery.id}/retry`)).body.error.code).toBe('endpoint_disabled');
    expect((await api('POST', `/v1/endpoints/${endpoint.id}/recover`, { since: '2020-01-01T00:00:00Z' })).status).toBe(409);
  });
});

describe('SSRF guard at connect time', () => {
  it('refuses a name that resolves to a loopback address', async () => {
    const receiver = new WebhookReceiver();
    dispatcher.removeLater(receiver);
    const url = new URL(await receiver.start());
    const options = { timeoutMs: 2000, maxResponseBytes: 100, allowlist: NOTHING_ALLOWED };
    const result = await postWebhook(`http://localhost:${url.port}/webhooks`, {}, '{}', options);
    expect(result).toMatchObject({ kind: 'error', error: expect.stringMatching(/^target refused: localhost resolves to loopback address/) });
    const literal = await postWebhook(`http://[::ffff:127.0.0.1]:${url.port}/webhooks`, {}, '{}', options);
    expect(literal).toMatchObject({ kind: 'error', error: 'target refused: loopback address ::ffff:7f00:1' });
    expect(receiver.received).toHaveLength(0);
  });
});

describe('endpoints API', () => {
  it('registers (also at /v1/webhooks/register), lists, reads, updates and deletes', async () => {
    const created = await api('POST', '/v1/webhooks/register', { url: 'http://127.0.0.1:9/hook', description: 'orders' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: 'http://127.0.0.1:9/hook', status: 'enabled', eventTypes: [...PAYMENT_EVENT_TYPES], description: 'orders' });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const id = created.body.id;
    dispatcher.removeLater(id);
    const read = await api('GET', `/v1/endpoints/${id}`);
    expect(read.body.secret).toBeUndefined();
    expect((await api('GET', '/v1/endpoints')).body.data.map((e: { id: string }) => e.id)).toContain(id);
    const patched = await api('PATCH', `/v1/endpoints/${id}`, { eventTypes: ['payment.failed'], rateLimitPerSecond: 3, description: null });
    expect(patched.body).toMatchObject({ eventTypes: ['payment.failed'], rateLimitPerSecond: 3, description: null });
    expect((await api('PATCH', `/v1/endpoints/${id}`, { status: 'disabled' })).body.status).toBe('disabled');
    expect((await api('PATCH', `/v1/endpoints/${id}`, { status: 'enabled' })).body).toMatchObject({ status: 'enabled', disabledReason: null });
    expect((await api('DELETE', `/v1/endpoints/${id}`)).status).toBe(204);
    expect((await api('GET', `/v1/endpoints/${id}`)).status).toBe(404);
  });

  it('keeps a secret given at registration', async () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    const created = await api('POST', '/v1/endpoints', { url: 'https://example.com/hook', secret });
    dispatcher.removeLater(created.body.id);
    expect(created.body.secret).toBe(secret);
  });

  const longUrl = `https://example.com/${'a'.repeat(2100)}`;
  it.each([
    ['no key', 'POST', '/v1/endpoints', { url: 'https://example.com' }, { authorization: '' }, 401, 'missing_api_key'],
    ['a wrong key', 'GET', '/v1/endpoints', undefined, { authorization: 'Bearer wrong' }, 401, 'invalid_api_key'],
    ['bad JSON', 'POST', '/v1/endpoints', '{"url":', {}, 400, 'invalid_json'],
    ['no url', 'POST', '/v1/endpoints', {}, {}, 400, 'invalid_request'],
    ['a number for url', 'POST', '/v1/endpoints', { url: 42 }, {}, 400, 'invalid_request'],
    ['a too long url', 'POST', '/v1/endpoints', { url: longUrl }, {}, 400, 'invalid_request'],
    ['an unknown field', 'POST', '/v1/endpoints', { url: 'https://example.com', colour: 'red' }, {}, 400, 'invalid_request'],
    ['an ftp url', 'POST', '/v1/endpoints', { url: 'ftp://example.com' }, {}, 400, 'invalid_url'],
    ['a relative url', 'POST', '/v1/endpoints', { url: '/hooks' }, {}, 400, 'invalid_url'],
    ['an unknown event type', 'POST', '/v1/endpoints', { url: 'https://example.com', eventTypes: ['payment.exploded'] }, {}, 422, 'unknown_event_type'],
    ['empty eventTypes', 'POST', '/v1/endpoints', { url: 'https://example.com', eventTypes: [] }, {}, 400, 'invalid_request'],
    ['a bad secret', 'POST', '/v1/endpoints', { url: 'https://example.com', secret: 'hunter2' }, {}, 400, 'invalid_request'],
    ['a zero rate limit', 'POST', '/v1/endpoints', { url: 'https://example.com', rateLimitPerSecond: 0 }, {}, 400, 'invalid_request'],
    ['an array body', 'POST', '/v1/endpoints', [], {}, 400, 'invalid_body'],
    ['an unknown endpoint', 'GET', '/v1/endpoints/ep_nope', undefined, {}, 404, 'endpoint_not_found'],
    ['an empty patch', 'PATCH', '/v1/endpoints/ep_nope', {}, {}, 400, 'invalid_request'],
    ['a patch of an unknown endpoint', 'PATCH', '/v1/endpoints/ep_nope', { description: 'x' }, {}, 404, 'endpoint_not_found'],
    ['a bad status', 'PATCH', '/v1/endpoints/ep_nope', { status: 'paused' }, {}, 400, 'invalid_request'],
    ['deleting an unknown endpoint', 'DELETE', '/v1/endpoints/ep_nope', undefined, {}, 404, 'endpoint_not_found'],
    ['rotating an unknown endpoint', 'POST', '/v1/endpoints/ep_nope/secret/rotate', undefined, {}, 404, 'endpoint_not_found'],
    ['an unknown delivery', 'GET', '/v1/deliveries/msg_nope', undefined, {}, 404, 'delivery_not_found'],
    ['retrying an unknown delivery', 'POST', '/v1/deliveries/msg_nope/retry', undefined, {}, 404, 'delivery_not_found'],
    ['a bad status filter', 'GET', '/v1/endpoints/ep_nope/deliveries?status=lost', undefined, {}, 400, 'invalid_request'],
    ['a huge limit', 'GET', '/v1/endpoints/ep_nope/deliveries?limit=100000', undefined, {}, 400, 'invalid_request'],
    ['recover without since', 'POST', '/v1/endpoints/ep_nope/recover', {}, {}, 400, 'invalid_request'],
    ['recover with a bad date', 'POST', '/v1/endpoints/ep_nope/recover', { since: 'yesterday' }, {}, 400, 'invalid_request'],
    ['recover with until before since', 'POST', '/v1/endpoints/ep_nope/recover', { since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }, {}, 400, 'invalid_request'],
    ['recover for an unknown endpoint', 'POST', '/v1/endpoints/ep_nope/recover', { since: '2026-01-01T00:00:00Z' }, {}, 404, 'endpoint_not_found'],
    ['an oversized body', 'POST', '/v1/endpoints', { url: 'https://example.com', description: 'x'.repeat(200_000) }, {}, 413, 'payload_too_large'],
    ['a wrong method', 'PUT', '/v1/endpoints', { url: 'https://example.com' }, {}, 404, 'route_not_found'],
  ])('answers %s with the JSON error (%s %s)', async (_, method, path, body, headers, status, code) => {
    const before = (await api('GET', '/v1/endpoints')).body.data.length;
    const response = await api(method, path, body, headers);
    expect(response.status).toBe(status);
    expect(response.body.error).toMatchObject({ code, message: expect.any(String), type: expect.any(String) });
    expect((await api('GET', '/v1/endpoints')).body.data.length).toBe(before);
  });
});
