import { sendWebhook, TestStack, waitFor } from '@payhook/testkit';
import { generateSecret } from '@payhook/webhook-signature';

// The whole journey: the three apps as separate processes on real Kafka and Postgres.
const stack = new TestStack({
  label: 'journey',
  basePort: 13401,
  env: {
    PAYMENT_PROCESSING_DELAY_MS: '300',
    // About 35 s of retries: longer than order-service takes to stop and start again on a loaded machine.
    WEBHOOK_RETRY_SCHEDULE: '200ms,500ms,1s,1s,2s,2s,2s,2s,2s,2s,5s,5s,5s,5s',
    OUTBOX_POLL_INTERVAL_MS: '500',
    WEBHOOK_POLL_INTERVAL_MS: '500',
    PAYMENT_REQUEST_POLL_INTERVAL_MS: '300',
  },
});

const order = (paymentMethod: string) => ({ items: [{ sku: 'book', quantity: 2, unitPrice: 1500 }], currency: 'EUR', paymentMethod });

async function place(paymentMethod = '4242424242424242'): Promise<string> {
  const placed = await stack.call('order-service', 'POST', '/v1/orders', order(paymentMethod));
  expect(placed.status).toBe(201);
  expect(placed.body).toMatchObject({ status: 'pending_payment', amount: 3000 });
  return placed.body.id;
}

const settled = (id: string, status: string, timeoutMs = 20_000) => stack.orderWhen(id, (o) => o.status === status, `to be ${status}`, timeoutMs);

beforeAll(async () => {
  await stack.start();
}, 120_000);

afterAll(async () => {
  await stack.stop();
}, 60_000);

it('a 4242 order becomes paid through a signed webhook', async () => {
  const id = await place();
  const paid = await settled(id, 'paid');
  expect(paid.paymentId).toMatch(/^pay_/);
  expect(paid.history.map((h: { status: string; cause: string }) => [h.status, h.cause])).toEqual([
    ['pending_payment', 'order.placed'],
    ['paid', 'payment.succeeded'],
  ]);
  const payment = await stack.call('payment-service', 'GET', `/v1/payments/${paid.paymentId}`);
  expect(payment.body).toMatchObject({ orderId: id, amount: 3000, status: 'succeeded' });
});

it('a …0002 order becomes payment_failed with the decline code', async () => {
  const id = await place('4000000000000002');
  const failed = await settled(id, 'payment_failed');
  expect(failed.failureCode).toBe('card_declined');
});

it('a refund makes the order refunded', async () => {
  const id = await place();
  const paid = await settled(id, 'paid');
  const partial = await stack.call('payment-service', 'POST', `/v1/payments/${paid.paymentId}/refunds`, { amount: 1000 });
  expect(partial.status).toBe(200);
  await settled(id, 'partially_refunded');
  await stack.call('payment-service', 'POST', `/v1/payments/${paid.paymentId}/refunds`, {});
  const refunded = await settled(id, 'refunded');
  expect(refunded.amountRefunded).toBe(3000);
});

it('every order ends paid, none twice, when order-service is down while the payments succeed', async () => {
  const ids = await Promise.all(Array.from({ length: 10 }, () => place()));
  // Its payment requests are in its outbox; the ones not yet sent wait for the restart.
  await stack.apps['order-service'].stop();
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await stack.apps['order-service'].start();
  for (const id of ids) await settled(id, 'paid', 40_000);
  for (const id of ids) {
    const { body } = await stack.call('order-service', 'GET', `/v1/orders/${id}`);
    expect(body.history.filter((h: { status: string }) => h.status === 'paid')).toHaveLength(1);
    const payments = await stack.call('payment-service', 'GET', `/v1/payments?orderId=${id}`);
    expect(payments.body.data).toHaveLength(1);
  }
}, 90_000);

it('a forged, a replayed and a stale webhook change nothing', async () => {
  const id = await place();
  const paid = await settled(id, 'paid');
  const webhookUrl = stack.env.ORDER_WEBHOOK_URL;
  const refundEvent = async (version: number) => ({
    id: `evt_forged_${version}`,
    type: 'payment.refunded',
    createdAt: new Date().toISOString(),
    data: { object: { ...(await stack.call('payment-service', 'GET', `/v1/payments/${paid.paymentId}`)).body, status: 'refunded', amountRefunded: 3000, version } },
  });

  const forged = await sendWebhook(webhookUrl, { secrets: [generateSecret()], body: await refundEvent(10) });
  expect(forged.status).toBe(401);

  const secrets = (await stack.query<{ secret: string }>('order-service', 'SELECT secret FROM webhook_secrets')).map((r) => r.secret);
  const stale = await sendWebhook(webhookUrl, { secrets, body: await refundEvent(11), timestamp: Math.floor(Date.now() / 1000) - 600 });
  expect(stale.status).toBe(401);

  // A replay: the dispatcher sends the delivered webhook again, same webhook-id.
  const endpoints = await stack.call('webhook-dispatcher', 'GET', '/v1/endpoints');
  const endpointId = endpoints.body.data[0].id;
  const deliveries = await stack.call('webhook-dispatcher', 'GET', `/v1/endpoints/${endpointId}/deliveries?status=delivered&limit=500`);
  const succeeded = (await Promise.all(
    deliveries.body.data.map(async (d: { id: string; eventType: string }) => (await stack.call('webhook-dispatcher', 'GET', `/v1/deliveries/${d.id}`)).body),
  )).find((d: { eventType: string; eventId: string }) => d.eventType === 'payment.succeeded' && paid.history[1].eventId === d.eventId);
  expect(succeeded).toBeDefined();
  const retried = await stack.call('webhook-dispatcher', 'POST', `/v1/deliveries/${succeeded.id}/retry`);
  expect(retried.status).toBe(202);
  await waitFor(
    async () => {
      const { body } = await stack.call('webhook-dispatcher', 'GET', `/v1/deliveries/${succeeded.id}`);
      return body.status === 'delivered' && body.attemptLog.length === 2 ? body : undefined;
    },
    { timeoutMs: 10_000, description: 'the replay to be delivered' },
  ).then((delivery) => expect(JSON.parse(delivery.attemptLog[1].responseBody)).toEqual({ result: 'duplicate' }));

  const after = (await stack.call('order-service', 'GET', `/v1/orders/${id}`)).body;
  expect(after.status).toBe('paid');
  expect(after.history).toHaveLength(2);
});
