import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from './settings';

describe('loadSettings', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'payhook-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('talks to the npm start stack with no file and no variable', () => {
    expect(loadSettings(dir, {})).toEqual({
      paymentServiceUrl: 'http://127.0.0.1:3001',
      dispatcherUrl: 'http://127.0.0.1:3002',
      orderServiceUrl: 'http://127.0.0.1:3003',
      paymentApiKey: 'sk_test_payhook_local_development',
      dispatcherApiKey: 'sk_test_dispatcher_local_development',
    });
  });

  it('reads .env.example then .env from the nearest directory up, then the environment', () => {
    writeFileSync(join(dir, '.env.example'), 'WEBHOOK_DISPATCHER_PORT=4102\nDISPATCHER_API_KEY=from_example_0123456789\nORDER_SERVICE_PORT=4103\n');
    writeFileSync(join(dir, '.env'), 'DISPATCHER_API_KEY=from_dotenv_0123456789\n');
    const nested = join(dir, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    const settings = loadSettings(nested, { PAYMENT_SERVICE_URL: 'http://payments.test:80', ORDER_SERVICE_PORT: '', DISPATCHER_API_KEY: '' });
    expect(settings).toMatchObject({
      dispatcherUrl: 'http://127.0.0.1:4102',
      dispatcherApiKey: 'from_dotenv_0123456789',
      paymentServiceUrl: 'http://payments.test:80',
      orderServiceUrl: 'http://127.0.0.1:4103',
    });
  });

  it("keeps its defaults equal to the repository's .env.example", () => {
    const repo = loadSettings(join(__dirname, '..', '..', '..'), {});
    expect(repo).toEqual(loadSettings(dir, {}));
  });
});
