import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppProcess, repoRoot, TEST_DISPATCHER_API_KEY, TestStack, WebhookReceiver } from '@payhook/testkit';
import { chromium, type Browser, type Page } from 'playwright-core';

// The console in a real Chromium (Debian's), against the three apps and the console server as processes.
const stack = new TestStack({ label: 'console', basePort: 14301, env: { PAYMENT_PROCESSING_DELAY_MS: '300', WEBHOOK_RETRY_SCHEDULE: '1h', WEBHOOK_POLL_INTERVAL_MS: '300' } });
const consoleUrl = 'http://127.0.0.1:14304';
const consoleApp = new AppProcess({
  app: 'console',
  baseUrl: consoleUrl,
  env: { ...stack.env, CONSOLE_PORT: '14304', ORDER_SERVICE_URL: stack.urls['order-service'] },
  output: join(repoRoot(), '.payhook', 'logs', 'console-console.log'),
});
const screenshots = join(repoRoot(), '.payhook', 'screenshots');
/** The flags a root, offline machine needs (no sandbox, no background calls to the outside). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
let browser: Browser | undefined;
let page: Page;
const receiver = new WebhookReceiver();

const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

beforeAll(async () => {
  if (!existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath}: install Debian's (apt-get install chromium; .ci/run does) or set CHROMIUM_PATH`);
  mkdirSync(screenshots, { recursive: true });
  await stack.start();
  await consoleApp.start();
  await receiver.start();
  browser = await chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await receiver.stop();
  await consoleApp.stop();
  await stack.stop();
}, 60_000);

it('asks for the dispatcher key once, and refuses a wrong one', async () => {
  await page.goto(consoleUrl);
  await page.getByLabel('Dispatcher API key').fill('sk_test_wrong_key_0123456789');
  await page.getByRole('button', { name: 'Open the console' }).click();
  await page.getByText('The dispatcher refused this key.').waitFor();
  await page.getByLabel('Dispatcher API key').fill(TEST_DISPATCHER_API_KEY);
  await page.getByRole('button', { name: 'Open the console' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await page.reload();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  // The key stays on the server: nothing in the page or its storage holds it.
  expect(await page.content()).not.toContain(TEST_DISPATCHER_API_KEY);
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie)).not.toContain(TEST_DISPATCHER_API_KEY);
});

it('places an order on the journey page and watches it become paid, hop by hop', async () => {
  await page.goto(`${consoleUrl}/#/journey`);
  await page.getByLabel('Test card').selectOption('4242424242424242');
  await page.getByRole('button', { name: 'Place order' }).click();
  await page.getByTestId('order-status').filter({ hasText: 'paid' }).waitFor({ timeout: 30_000 });
  for (const hop of ['order placed', 'payment processing', 'payment succeeded', 'webhook delivered', 'paid']) {
    await page.locator(`li[data-hop="${hop}"].done`).waitFor({ timeout: 10_000 });
  }
  await expect(page.locator('li[data-hop="webhook delivered"] a').textContent()).resolves.toMatch(/^msg_\w+ after 1 attempt\(s\)$/);
  await page.screenshot({ path: join(screenshots, 'journey.png') });
});

it('creates an endpoint and shows its secret once', async () => {
  await page.goto(`${consoleUrl}/#/endpoints`);
  await page.getByLabel('Endpoint URL').fill(receiver.url);
  await page.getByLabel('Event types').selectOption(['payment.succeeded']);
  await page.getByRole('button', { name: 'Create endpoint' }).click();
  const secret = (await page.getByTestId('secret-once').locator('.secret').textContent()) ?? '';
  expect(secret).toMatch(/^whsec_/);
  receiver.setSecrets([secret]);
  await page.getByRole('button', { name: 'I have stored it' }).click();
  await page.reload();
  await page.locator('tr', { hasText: receiver.url }).waitFor();
  expect(await page.content()).not.toContain(secret);
});

it('retries a failed delivery from its attempt log', async () => {
  // The receiver refuses the first webhook; with a 1 h retry schedule only the button sends it again.
  receiver.failNext(1, 500);
  await stack.call('order-service', 'POST', '/v1/orders', { items: [{ sku: 'tea', quantity: 1, unitPrice: 900 }], currency: 'EUR', paymentMethod: '4242424242424242' });
  await receiver.waitUntil((r) => r.length === 1, 'the first, refused attempt', 30_000);
  await page.goto(`${consoleUrl}/#/deliveries`);
  await page.getByLabel('Endpoint').selectOption({ label: receiver.url });
  const row = page.locator('tr[data-delivery]').first();
  await row.filter({ hasText: '500' }).waitFor({ timeout: 10_000 });
  await row.click();
  const detail = page.getByTestId('delivery-detail');
  await detail.locator('tr[data-attempt="1"]', { hasText: '500' }).waitFor();
  await detail.getByRole('button', { name: 'Retry' }).click();
  await page.getByTestId('delivery-note').filter({ hasText: 'Queued to be sent again now.' }).waitFor();
  await detail.locator('tr[data-attempt="2"]', { hasText: '204' }).waitFor({ timeout: 15_000 });
  await detail.locator('.status-delivered').waitFor();
  expect(receiver.received.map((w) => [w.answered, w.verification.ok])).toEqual([
    [500, true],
    [204, true],
  ]);
  await page.screenshot({ path: join(screenshots, 'deliveries.png') });
});

it('shows live figures from the metrics on the overview', async () => {
  await page.goto(`${consoleUrl}/#/overview`);
  await page.locator('[data-figure="deliveries held"] .figure').filter({ hasText: /^0$/ }).waitFor({ timeout: 10_000 });
  await page.locator('[data-figure="outbox depth"] .figure').filter({ hasText: /^0$/ }).waitFor();
  await page.locator('[data-figure="webhooks delivered / s"] .figure').filter({ hasText: /^\d+\.\d$/ }).waitFor({ timeout: 10_000 });
  await page.screenshot({ path: join(screenshots, 'overview.png') });
});

describe('the console server', () => {
  const call = (path: string, init: RequestInit = {}) => fetch(`${consoleUrl}${path}`, init);

  it('answers every client mistake with a 4xx in the one error shape', async () => {
    const cases: Array<[string, RequestInit, number, string]> = [
      ['/api/dispatcher/v1/endpoints', {}, 401, 'no_session'],
      ['/api/payments/v1/payments', { method: 'POST', body: '{}' }, 405, 'read_only'],
      ['/api/nothing', {}, 404, 'not_found'],
      ['/api/session', { method: 'POST', body: 'not json' }, 400, 'invalid_key'],
      ['/api/session', { method: 'POST', body: JSON.stringify({ key: 'x'.repeat(501) }) }, 400, 'invalid_key'],
      ['/api/orders/v1/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(200_000) }, 413, 'payload_too_large'],
      ['/index.html', { method: 'DELETE' }, 405, 'method_not_allowed'],
    ];
    for (const [path, init, status, code] of cases) {
      const response = await call(path, init);
      expect([path, response.status, ((await response.json()) as { error: { code: string } }).error.code]).toEqual([path, status, code]);
    }
  });

  it('serves the app for any page path and never a file outside it', async () => {
    for (const path of ['/', '/deliveries', '/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/%ff', '/..%2fmain.js', '/..%2fweb%2f..%2fconfig.js']) {
      const response = await call(path);
      expect([path, response.status, response.headers.get('content-type')]).toEqual([path, 200, 'text/html; charset=utf-8']);
      expect(await response.text()).toContain('<div id="root"></div>');
    }
  });

  it('passes the order API through, with its own answers', async () => {
    const missing = await call('/api/orders/v1/orders/ord_missing');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('order_not_found');
  });
});
