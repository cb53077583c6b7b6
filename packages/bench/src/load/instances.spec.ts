import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { instanceUrl, startBalancer } from './instances';

describe('instances', () => {
  it('puts instance i on the first port + 10 × i', () => {
    expect(instanceUrl('http://127.0.0.1:13803', 1)).toBe('http://127.0.0.1:13813');
  });

  it('balances POSTs over its targets in turn, bodies and answers passed through', async () => {
    const seen: string[] = [];
    const servers = await Promise.all(
      ['a', 'b'].map(async (name) => {
        const server = createServer((req, res) => {
          let body = '';
          req.on('data', (c: Buffer) => (body += c.toString()));
          req.on('end', () => {
            seen.push(`${name}:${body}`);
            res.writeHead(201, { 'x-from': name }).end(name);
          });
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        return server;
      }),
    );
    const balancer = await startBalancer(servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`));
    try {
      const answers = [];
      for (const n of [1, 2, 3]) {
        const response = await fetch(`${balancer.url}/x`, { method: 'POST', body: String(n) });
        answers.push([response.status, await response.text()]);
      }
      expect(answers).toEqual([
        [201, 'a'],
        [201, 'b'],
        [201, 'a'],
      ]);
      expect(seen).toEqual(['a:1', 'b:2', 'a:3']);
    } finally {
      await balancer.close();
      for (const server of servers) server.close();
    }
  });
});
