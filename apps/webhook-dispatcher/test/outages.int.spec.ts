import type { PaymentEvent } from '@payhook/contracts';
import { waitFor } from '@payhook/testkit';
import { InProcessDispatcher, paymentEvent } from './support';

// Outages and operators: nothing lost to a disabled endpoint, an events API to catch up
// from, and management calls that never deadlock or 5xx while deliveries flow.
const dispatcher = new InProcessDispatcher('outages', {
  WEBHOOK_RETRY_SCHEDULE: '100ms,100ms,100ms,100ms',
  WEBHOOK_TIMEOUT_MS: '2000',
  WEBHOOK_POLL_INTERVAL_MS: '200',
  // One POST at a time per endpoint: arrival order is the order deliveries are claimed.
  WEBHOOK_ENDPOINT_CONCURRENCY: '1',
});
const api = dispatcher.api;

/** Events of one payment share a partition key, so they are consumed in the order sent. */
function samePayment(events: PaymentEvent[]): PaymentEvent[] {
  for (const event of events) event.data.object.id = events[0].data.object.id;
  return events;
}

beforeAll(() => dispatcher.start(), 60_000);
afterEach(() => dispatcher.removeEndpoints());
afterAll(() => dispatcher.stop(), 30_000);

describe('a disabled endpoint', () => {
  it('holds what arrives while it is disabled and gets all of it, in order, when enabled', async () => {
    const { receiver, endpoint } = await dispatcher.receiverWithEndpoint();
    expect((await api('PATCH', `/v1/endpoints/${endpoint.id}`, { status: 'disabled' })).body.status).toBe('disabled');
    const events = samePayment(Array.from({ length: 6 }, (_, i) => paymentEvent('payment.succeeded', i + 2)));
    await dispatcher.publish(...events);
    await dispatcher.settled(endpoint.id, 'held', events.length);
    expect(receiver.received).toHaveLength(0);
    // Nothing held is ever recovered into sending while the endpoint stays off.
    expect((await api('POST', `/v1/endpoints/${endpoint.id}/recover`, { since: '2020-01-01T00:00:00Z' })).status).toBe(409);

    const enabled = await api('PATCH', `/v1/endpoints/${endpoint.id}`, { status: 'enabled' });
    expect([enabled.status, enabled.body.status]).toEqual([200, 'enabled']);
    await dispatcher.settled(endpoint.id, 'delivered', events.length);
    expect(receiver.received.map((r) => JSON.parse(r.body).id)).toEqual(events.map((e) => e.id));
  });

  it('fails, on enable, what it held longer than WEBHOOK_HOLD_MAX_AGE; recover still sends it', async () => {
    const { receiver, endpoint } = await dispatcher.receiverWithEndpoint();
    await api('PATCH', `/v1/endpoints/${endpoint.id}`, { status: 'disabled' });
    const [old, young] = [paymentEvent(), paymentEvent()];
    await dispatcher.publish(old, young);
    await dispatcher.settled(endpoint.id, 'held', 2);
    await dispatcher.dataSource.query(`UPDATE deliveries SET created_at = now() - interval '4 days' WHERE event_id = $1`, [old.id]);

    await api('PATCH', `/v1/endpoints/${endpoint.id}`, { status: 'enabled' });
    await dispatcher.settled(endpoint.id, 'delivered', 1);
    const [failed] = await dispatcher.deliveriesOf(endpoint.id, 'failed');
    expect(failed).toMatchObject({ eventId: old.id, lastError: 'held longer than WEBHOOK_HOLD_MAX_AGE while the endpoint was disabled' });
    expect(receiver.received.map((r) => JSON.parse(r.body).id)).toEqual([young.id]);

    const recovered = await api('POST', `/v1/endpoints/${endpoint.id}/recover`, { since: new Date(Date.now() - 5 * 86_400_000).toISOString() });
    expect(recovered.body).toEqual({ recovered: 1 });
    await dispatcher.settled(endpoint.id, 'delivered', 2);
  });

  it('holds a delivery whose POST was in flight when the endpoint was disabled, and sends it again on enable', async () => {
    const { receiver, endpoint } = await dispatcher.receiverWithEndpoint();
    receiver.respondWith(({ n }) => (n === 1 ? { status: 500, delayMs: 800 } : { status: 204 }));
    await dispatcher.publish(paymentEvent());
    await receiver.waitUntil((r) => r.length === 1, 'the first POST to arrive');
    const disabled = await api('PATCH', `/v1/endpoints/${endpoint.id}`, { status: 'disabled' });
    expect(disabled.status).toBe(200);
    await waitFor(async () => (await dispatcher.deliveriesOf(endpoint.id)).some((d) => d.status === 'held' && d.attempts === 1), {
      timeoutMs: 10_000,
      description: 'the failed attempt recorded, the delivery held',
    });
    expect(receiver.received).toHaveLength(1);

    await api('PATCH', `/v1/endpoints/${endpoint.id}`, { status: 'enabled' });
    await dispatcher.settled(endpoint.id, 'delivered', 1);
    expect(receiver.received).toHaveLength(2);
  });

  it('holds for an endpoint disabled by 410 Gone, and sends the rest after it is enabled', async () => {
    const { receiver, endpoint } = await dispatcher.receiverWithEndpoint();
    receiver.respondWith(({ n }) => ({ status: n === 1 ? 410 : 204 }));
    const [gone, later] = [paymentEvent(), paymentEvent()];
    await dispatcher.publish(gone);
    await dispatcher.settled(endpoint.id, 'failed', 1);
    expect((await api('GET', `/v1/endpoints/${endpoint.id}`)).body.status).toBe('disabled');
    await dispatcher.publish(later);
    await dispatcher.settled(endpoint.id, 'held', 1);
    await api('PATCH', `/v1/endpoints/${endpoint.id}`, { status: 'enabled' });
    await dispatcher.settled(endpoint.id, 'delivered', 1);
    expect(receiver.received.map((r) => JSON.parse(r.body).id)).toEqual([gone.id, later.id]);
  });
});

describe('GET /v1/events', () => {
  it('pages through the events held, oldest or newest first, filtered by type and time', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const events = samePayment([paymentEvent('payment.succeeded'), paymentEvent('payment.failed'), paymentEvent('payment.succeeded'), paymentEvent('payment.refunded'), paymentEvent('payment.succeeded')]);
    for (const event of events) await dispatcher.publish(event); // one by one: distinct receive times
    const ids = new Set(events.map((e) => e.id));
    await waitFor(async () => (await dispatcher.dataSource.query('SELECT id FROM events WHERE id = ANY($1)', [[...ids]])).length === events.length, {
      timeoutMs: 15_000,
      description: 'the events ingested',
    });

    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/v1/events?since=${encodeURIComponent(since)}&order=asc&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await api('GET', query);
      expect(page.status).toBe(200);
      pages.push(page.body.data.map((e: { id: string }) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor && pages.length < 20);
    const seen = pages.flat().filter((id) => ids.has(id));
    expect(seen).toEqual(events.map((e) => e.id));
    expect(pages.flat()).toHaveLength(new Set(pages.flat()).size);

    const newest = await api('GET', `/v1/events?since=${encodeURIComponent(since)}&limit=500`);
    expect(newest.body.data.map((e: { id: string }) => e.id).filter((id: string) => ids.has(id))).toEqual(events.map((e) => e.id).reverse());
    expect(newest.body.nextCursor).toBeNull();
    expect(newest.body.data[0]).toMatchObject({ type: expect.any(String), receivedAt: expect.any(String), event: expect.objectContaining({ data: expect.any(Object) }) });

    const succeeded = await api('GET', `/v1/events?since=${encodeURIComponent(since)}&type=payment.succeeded&limit=500`);
    expect(succeeded.body.data.every((e: { type: string }) => e.type === 'payment.succeeded')).toBe(true);
    expect(succeeded.body.data.filter((e: { id: string }) => ids.has(e.id))).toHaveLength(3);
    const future = await api('GET', `/v1/events?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
    expect(future.body).toEqual({ data: [], nextCursor: null });
  });

  it.each([
    ['a cursor it never gave out', '/v1/events?cursor=bm90LWEtY3Vyc29y', 'invalid_cursor'],
    ['an unknown type', '/v1/events?type=payment.exploded', 'invalid_request'],
    ['a limit of 0', '/v1/events?limit=0', 'invalid_request'],
    ['a bad date', '/v1/events?since=yesterday', 'invalid_request'],
    ['an unknown parameter', '/v1/events?page=2', 'invalid_request'],
  ])('answers 400 to %s', async (_name, path, code) => {
    const response = await api('GET', path);
    expect([response.status, response.body.error.code]).toEqual([400, code]);
  });
});

describe('management calls under load', () => {
  it('disable, enable, patch, rotate, delete, retry and recover while deliveries flow: no 5xx, every delivery accounted for', async () => {
    const busy = await Promise.all(Array.from({ length: 4 }, () => dispatcher.receiverWithEndpoint()));
    for (const { receiver } of busy) receiver.respondWith(({ n }) => ({ status: n % 5 === 0 ? 500 : 204, delayMs: n % 3 }));
    const doomed = await dispatcher.receiverWithEndpoint();
    const since = new Date(Date.now() - 1000).toISOString();
    const statuses: number[] = [];
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await api(method, path, body);
      statuses.push(response.status);
      return response;
    };

    let running = true;
    const events = Array.from({ length: 400 }, () => paymentEvent());
    const publishing = (async () => {
      for (let i = 0; i < events.length; i += 20) {
        await dispatcher.publish(...events.slice(i, i + 20));
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    })();
    const managing = (async () => {
      for (let round = 0; running; round++) {
        const { endpoint } = busy[round % busy.length];
        await Promise.all([
          call('PATCH', `/v1/endpoints/${endpoint.id}`, { status: 'disabled' }),
          call('PATCH', `/v1/endpoints/${busy[(round + 1) % busy.length].endpoint.id}`, { description: `round ${round}`, rateLimitPerSecond: round % 2 ? 500 : null }),
          call('POST', `/v1/endpoints/${busy[(round + 2) % busy.length].endpoint.id}/secret/rotate`),
        ]);
        const [delivery] = await dispatcher.deliveriesOf(busy[(round + 3) % busy.length].endpoint.id);
        await Promise.all([
          call('PATCH', `/v1/endpoints/${endpoint.id}`, { status: 'enabled' }),
          delivery ? call('POST', `/v1/deliveries/${delivery.id}/retry`) : Promise.resolve(),
          call('POST', `/v1/endpoints/${busy[(round + 2) % busy.length].endpoint.id}/recover`, { since }),
        ]);
        if (round === 5) await call('DELETE', `/v1/endpoints/${doomed.endpoint.id}`);
      }
    })();
    try {
      await publishing;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    } finally {
      running = false;
      await managing;
    }

    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.length).toBeGreaterThan(50);
    expect((await api('GET', `/v1/endpoints/${doomed.endpoint.id}`)).status).toBe(404);
    // Every busy endpoint ends with one delivery per event, each delivered (a retry
    // schedule spent during the storm is recovered).
    for (const { endpoint, receiver } of busy) {
      expect((await api('PATCH', `/v1/endpoints/${endpoint.id}`, { status: 'enabled' })).status).toBe(200);
      await waitFor(
        async () => {
          await api('POST', `/v1/endpoints/${endpoint.id}/recover`, { since });
          const [row] = await dispatcher.dataSource.query(
            `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS delivered, count(*)::int AS total FROM deliveries WHERE endpoint_id = $1`,
            [endpoint.id],
          );
          return row.total === events.length && row.delivered === events.length;
        },
        { timeoutMs: 60_000, intervalMs: 500, description: `all ${events.length} deliveries to ${endpoint.id} delivered` },
      );
      const got = new Set(receiver.received.filter((r) => r.answered < 300).map((r) => JSON.parse(r.body).id));
      expect(events.every((e) => got.has(e.id))).toBe(true);
    }
  }, 120_000);
});
