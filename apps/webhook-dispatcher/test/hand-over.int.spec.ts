import { databaseUrl } from '@payhook/platform';
import { Client } from 'pg';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../src/config';
import { DeliveryWorker } from '../src/deliveries/delivery-worker';
import { InProcessDispatcher, paymentEvent } from './support';

// Room for two deliveries (one request at a time), and a poll too slow to hide anything:
// what the worker has room for is handed over by the ingest, the rest is claimed on a NOTIFY.
const dispatcher = new InProcessDispatcher('hand_over', {
  WEBHOOK_CONCURRENCY: '1',
  WEBHOOK_ENDPOINT_CONCURRENCY: '1',
  WEBHOOK_POLL_INTERVAL_MS: '60000',
});
let listener: Client | undefined;
let notifications = 0;

beforeAll(async () => {
  await dispatcher.start();
  const config = dispatcher.app.get<DispatcherConfig>(DISPATCHER_CONFIG);
  listener = new Client({ connectionString: databaseUrl(config.DATABASE_URL, config.DISPATCHER_DATABASE_NAME) });
  await listener.connect();
  listener.on('notification', () => (notifications += 1));
  await listener.query('LISTEN deliveries');
}, 60_000);
afterAll(async () => {
  try {
    await listener?.end();
  } finally {
    await dispatcher.stop();
  }
}, 30_000);
afterEach(() => dispatcher.removeEndpoints());

it('hands a delivery the worker has room for straight to it: inserted leased, it wakes no worker for a claim', async () => {
  const { receiver, endpoint } = await dispatcher.receiverWithEndpoint();
  notifications = 0;
  const event = paymentEvent('payment.succeeded');
  await dispatcher.publish(event);
  await dispatcher.settled(endpoint.id, 'delivered', 1);
  expect(receiver.received.map((r) => JSON.parse(r.body).id)).toEqual([event.id]);
  expect(notifications).toBe(0);
}, 30_000);

it('sends what does not fit through the table: inserted claimable, woken by a NOTIFY, all delivered', async () => {
  const { receiver, endpoint } = await dispatcher.receiverWithEndpoint();
  notifications = 0;
  const events = Array.from({ length: 6 }, () => paymentEvent('payment.succeeded'));
  await dispatcher.publish(...events);
  await dispatcher.settled(endpoint.id, 'delivered', events.length, 20_000);
  expect(new Set(receiver.received.map((r) => JSON.parse(r.body).id))).toEqual(new Set(events.map((e) => e.id)));
  expect(notifications).toBeGreaterThan(0);
}, 30_000);

it('promises no more than the room and each endpoint its places, and takes back what is given back', () => {
  const worker = dispatcher.app.get(DeliveryWorker);
  const promised: string[] = [];
  const reserve = (endpoints: string[]) => {
    const taken = worker.reserve(endpoints);
    promised.push(...endpoints.filter((_, i) => taken[i]));
    return taken;
  };
  try {
    // Two places per endpoint (twice its concurrency of 1), room for two in all.
    expect(reserve(['ep_a', 'ep_a', 'ep_a'])).toEqual([true, true, false]);
    expect(reserve(['ep_b'])).toEqual([false]);
    worker.giveBack(promised.splice(0));
    expect(reserve(['ep_a', 'ep_b', 'ep_c'])).toEqual([true, true, false]);
  } finally {
    worker.giveBack(promised.splice(0));
  }
});
