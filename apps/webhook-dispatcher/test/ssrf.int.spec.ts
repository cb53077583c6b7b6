import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '@payhook/platform';
import { apiClient, testDatabaseName, testTopic } from '@payhook/testkit';
import { createApp } from '../src/app';
import { configSchema } from '../src/config';

// The SSRF guard as production runs it (WEBHOOK_ALLOWED_PRIVATE_TARGETS unset), at registration.
const API_KEY = 'sk_test_dispatcher_integration_0123';
let app: INestApplication;
let baseUrl: string;
const api = apiClient(() => baseUrl, API_KEY);

beforeAll(async () => {
  const topic = testTopic('payments.events.v1');
  app = await createApp(
    loadConfig(configSchema, {
      ...process.env,
      DISPATCHER_API_KEY: API_KEY,
      DISPATCHER_DATABASE_NAME: testDatabaseName('dispatcher_ssrf'),
      PAYMENT_EVENTS_TOPIC: topic,
      DISPATCHER_CONSUMER_GROUP: `${topic}.dispatcher`,
      LOG_LEVEL: 'warn',
    }),
  );
  await app.listen(0, '127.0.0.1');
  baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
});

afterAll(async () => {
  await app?.close();
});

describe('registration refuses private targets', () => {
  it.each([
    'http://127.0.0.1:3003/webhooks',
    'http://localhost:3003/webhooks',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/',
    'http://10.0.0.1/',
    'http://172.16.5.4/',
    'http://192.168.0.10/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://[fe80::1]/',
    'http://[64:ff9b::a9fe:a9fe]/', // NAT64 of the metadata service
    'http://[64:ff9b:1::a00:1]/', // local-use NAT64
    'http://[::ffff:0:7f00:1]/', // IPv4-translated loopback
    'http://[2002:a00:1::1]/', // 6to4 of 10.0.0.1
    'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/', // Teredo, client 127.0.0.1
  ])('%s', async (url) => {
    const response = await api('POST', '/v1/endpoints', { url });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('url_not_allowed');
  });

  it('also when an endpoint is moved by PATCH', async () => {
    const created = await api('POST', '/v1/endpoints', { url: 'https://example.com/hooks' });
    expect(created.status).toBe(201);
    const moved = await api('PATCH', `/v1/endpoints/${created.body.id}`, { url: 'http://169.254.169.254/' });
    expect(moved.status).toBe(422);
    expect((await api('GET', `/v1/endpoints/${created.body.id}`)).body.url).toBe('https://example.com/hooks');
  });

  it('accepts a public address', async () => {
    expect((await api('POST', '/v1/endpoints', { url: 'http://93.184.216.34/hooks' })).status).toBe(201);
  });
});
