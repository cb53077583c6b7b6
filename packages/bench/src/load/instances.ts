import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseSamples, total } from '@payhook/console/prometheus';
import { AppProcess, repoRoot, type AppName } from '@payhook/testkit';

/** Each app's port variable: instance i (from 2) listens on the first instance's port + 10 × (i − 1). */
const PORT_VARIABLES: Record<AppName, string> = {
  'payment-service': 'PAYMENT_SERVICE_PORT',
  'webhook-dispatcher': 'WEBHOOK_DISPATCHER_PORT',
  'order-service': 'ORDER_SERVICE_PORT',
};

export interface Balancer {
  url: string;
  close(): Promise<void>;
}

/**
 * A round-robin HTTP balancer in front of several instances of one app: what a load
 * balancer does in production, so each instance gets its share of the POSTs (orders, payment
 * requests, webhooks). Bodies and answers are streamed through; a target that does not
 * answer is a 502.
 */
export async function startBalancer(targets: string[]): Promise<Balancer> {
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  const server: Server = createServer((incoming, outgoing) => {
    const target = new URL(incoming.url ?? '/', targets[next++ % targets.length]);
    const upstream = request(target, { method: incoming.method, headers: incoming.headers, agent }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    upstream.on('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502).end();
      else outgoing.destroy();
    });
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      agent.destroy();
    },
  };
}

/** The URL of instance `index` (0-based) of an app whose first instance answers at `firstUrl`. */
export function instanceUrl(firstUrl: string, index: number): string {
  const url = new URL(firstUrl);
  url.port = String(Number(url.port) + 10 * index);
  return url.origin;
}

/** Instances 2…n of each app, on the first instance's settings but for their ports. */
export function extraInstances(env: Record<string, string>, urls: Record<AppName, string>, instances: number): Array<{ app: AppName; index: number; process: AppProcess }> {
  const extra: Array<{ app: AppName; index: number; process: AppProcess }> = [];
  for (let index = 1; index < instances; index++) {
    for (const app of Object.keys(PORT_VARIABLES) as AppName[]) {
      const baseUrl = instanceUrl(urls[app], index);
      extra.push({
        app,
        index,
        process: new AppProcess({
          app,
          baseUrl,
          env: { ...env, [PORT_VARIABLES[app]]: new URL(baseUrl).port },
          output: join(repoRoot(), '.payhook', 'logs', `bench-${app}-${index + 1}.log`),
        }),
      });
    }
  }
  return extra;
}

/** What each instance did, read from its /metrics: each stage's counter. */
export const STAGE_COUNTERS: Record<AppName, { stage: string; metric: string; labels: Record<string, string> }> = {
  'payment-service': { stage: 'payments created', metric: 'payhook_http_request_duration_seconds_count', labels: { method: 'POST', route: '/v1/payments', status_code: '201' } },
  'webhook-dispatcher': { stage: 'webhooks delivered', metric: 'payhook_delivery_attempts_total', labels: { outcome: 'delivered' } },
  'order-service': { stage: 'webhooks applied', metric: 'payhook_webhooks_applied_total', labels: { result: 'applied' } },
};

export async function stageCount(url: string, app: AppName): Promise<number> {
  const { metric, labels } = STAGE_COUNTERS[app];
  return total(parseSamples(await (await fetch(`${url}/metrics`)).text()), metric, labels);
}
