import { InProcessDispatcher, paymentEvent } from './support';

// One request at a time and room for two: every claim fills the worker, and the poll is too
// slow to hide a stall, so each next claim must come from a send that finished.
const dispatcher = new InProcessDispatcher('room', {
  WEBHOOK_CONCURRENCY: '1',
  WEBHOOK_ENDPOINT_CONCURRENCY: '1',
  WEBHOOK_BATCH_SIZE: '2',
  WEBHOOK_POLL_INTERVAL_MS: '60000',
});

beforeAll(() => dispatcher.start(), 60_000);
afterAll(() => dispatcher.stop(), 30_000);

it('claims again as soon as a send frees room, without waiting for the poll', async () => {
  const { receiver, endpoint } = await dispatcher.receiverWithEndpoint();
  const events = Array.from({ length: 12 }, () => paymentEvent('payment.succeeded'));
  await dispatcher.publish(...events);
  await dispatcher.settled(endpoint.id, 'delivered', events.length, 20_000);
  expect(new Set(receiver.received.map((r) => JSON.parse(r.body).id))).toEqual(new Set(events.map((e) => e.id)));
}, 40_000);
