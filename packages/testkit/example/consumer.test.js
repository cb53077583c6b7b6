const { once } = require('node:events');
const { generateSecret, sendWebhook } = require('@payhook/testkit/webhooks');
const { createConsumer } = require('./consumer');

const secret = generateSecret();
const { app, applied } = createConsumer(secret);
const server = app.listen(0, '127.0.0.1');
afterAll(() => server.close());

test('a signed webhook is applied, a forged one refused, a replay ignored', async () => {
  if (!server.listening) await once(server, 'listening');
  const url = `http://127.0.0.1:${server.address().port}/webhooks`;
  const event = { id: 'evt_1', type: 'payment.succeeded', data: { object: { id: 'pay_1', amount: 1250 } } };
  const sent = await sendWebhook(url, { secrets: [secret], body: event });
  expect(sent.status).toBe(204);
  expect((await sendWebhook(url, { secrets: [generateSecret()], body: event })).status).toBe(400);
  expect((await sendWebhook(url, { secrets: [secret], body: event, webhookId: sent.webhookId })).status).toBe(204);
  expect(applied).toEqual([event]);
});
