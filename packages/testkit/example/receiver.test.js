const { generateSecret, sendWebhook, WebhookReceiver } = require('@payhook/testkit/webhooks');

// The recording receiver: what a webhook sender (or a relay) under test delivers, with each signature checked.
const secret = generateSecret();
const receiver = new WebhookReceiver([secret]);
afterAll(() => receiver.stop());

test('records each webhook with its signature check, and answers as told', async () => {
  await receiver.start();
  receiver.respondWith(() => ({ status: 503 }));
  const sent = await sendWebhook(receiver.url, { secrets: [secret], body: '{"id":"evt_2"}' });
  expect(sent.status).toBe(503);
  expect(receiver.received).toEqual([expect.objectContaining({ webhookId: sent.webhookId, body: '{"id":"evt_2"}', answered: 503, verification: expect.objectContaining({ ok: true }) })]);
});
