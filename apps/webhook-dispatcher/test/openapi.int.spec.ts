import { EVENT_TYPE_CATALOGUE, PAYMENT_EVENT_TYPES } from '@payhook/contracts';
import { openApiProblems, operationSchema, schemaProblems, undocumentedAnswers, type OpenApiDocument } from '@payhook/testkit';
import { InProcessDispatcher, paymentEvent } from './support';

// The dispatcher's OpenAPI document is generated from the zod schemas that validate its
// routes; here it is checked against the OpenAPI 3.1 schema, and real traffic against it.
const dispatcher = new InProcessDispatcher('openapi', { WEBHOOK_POLL_INTERVAL_MS: '200' });
const { api } = dispatcher;
let document: OpenApiDocument;

beforeAll(async () => {
  await dispatcher.start();
  document = (await api('GET', '/docs/openapi.json')).body;
}, 60_000);
afterAll(() => dispatcher.stop(), 30_000);

it('is a valid OpenAPI 3.1 document', async () => {
  expect(document.openapi).toBe('3.1.0');
  expect(await openApiProblems(document)).toEqual([]);
});

it('describes every route with its request and answer bodies, errors included', () => {
  const create = document.paths['/v1/endpoints'].post;
  expect(create.requestBody.content['application/json'].schema.properties.url).toMatchObject({ type: 'string', maxLength: 2048 });
  expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '422']));
  expect(create.responses['400'].content['application/json'].schema.properties.error.required).toEqual(['type', 'code', 'message']);
  const events = document.paths['/v1/events'].get;
  expect(events.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(
    ['query:cursor', 'query:limit', 'query:order', 'query:since', 'query:type', 'query:until'],
  );
  expect(undocumentedAnswers(document)).toEqual([]);
});

it('matches a real request and its answers', async () => {
  const request = { url: 'https://example.com/hooks', eventTypes: ['payment.succeeded'], description: 'shop' };
  expect(schemaProblems(operationSchema(document, 'POST', '/v1/endpoints', 'request'), request)).toEqual([]);
  const created = await api('POST', '/v1/endpoints', request);
  expect(created.status).toBe(201);
  expect(schemaProblems(operationSchema(document, 'POST', '/v1/endpoints', 201), created.body)).toEqual([]);
  const listed = await api('GET', '/v1/endpoints');
  expect(schemaProblems(operationSchema(document, 'GET', '/v1/endpoints', 200), listed.body)).toEqual([]);
  const refused = await api('POST', '/v1/endpoints', { url: 42 });
  expect(refused.status).toBe(400);
  expect(schemaProblems(operationSchema(document, 'POST', '/v1/endpoints', 400), refused.body)).toEqual([]);
  // The document's request schema refuses what the API refuses.
  expect(schemaProblems(operationSchema(document, 'POST', '/v1/endpoints', 'request'), { url: 42 })).not.toEqual([]);
  await api('DELETE', `/v1/endpoints/${created.body.id}`);
});

it('describes a webhook of each type, and a real webhook of each type matches it', async () => {
  expect(Object.keys(document.webhooks)).toEqual([...PAYMENT_EVENT_TYPES]);
  const { receiver, endpoint } = await dispatcher.receiverWithEndpoint();
  await dispatcher.publish(...PAYMENT_EVENT_TYPES.map((type) => paymentEvent(type)));
  await receiver.waitUntil((r) => r.length === PAYMENT_EVENT_TYPES.length, 'one webhook of each type');
  for (const webhook of receiver.received) {
    const body = JSON.parse(webhook.body);
    const operation = document.webhooks[body.type].post;
    expect({ type: body.type, problems: schemaProblems(operation.requestBody.content['application/json'].schema, body) }).toEqual({ type: body.type, problems: [] });
    for (const header of operation.parameters.filter((p: { in: string }) => p.in === 'header')) expect(webhook.headers[header.name]).toBeTruthy();
    // A body of another type does not pass as this one.
    const other = PAYMENT_EVENT_TYPES.find((t) => t !== body.type)!;
    expect(schemaProblems(document.webhooks[other].post.requestBody.content['application/json'].schema, body)).not.toEqual([]);
  }
  expect(endpoint.secret).toMatch(/^whsec_/);
});

it('lists every event type with its schema and an example that matches it (GET /v1/event-types)', async () => {
  const { status, body } = await api('GET', '/v1/event-types');
  expect(status).toBe(200);
  expect(schemaProblems(operationSchema(document, 'GET', '/v1/event-types', 200), body)).toEqual([]);
  expect(body.data.map((t: { type: string }) => t.type)).toEqual([...PAYMENT_EVENT_TYPES]);
  for (const entry of body.data) expect(schemaProblems(entry.schema, entry.example)).toEqual([]);
  expect(body.data).toEqual(JSON.parse(JSON.stringify(EVENT_TYPE_CATALOGUE)));
});
