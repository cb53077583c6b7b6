import { postWebhook } from '@payhook/webhook-dispatcher/http-sender';
import { parseAllowlist } from '@payhook/webhook-dispatcher/private-allowlist';

/**
 * POSTs per second of the dispatcher's own HTTP client (keep-alive agent, same options)
 * against the same receiver the webhooks go to, `concurrency` at a time, for `seconds`.
 * The body is a webhook with a bad signature: order-service refuses it with a 401 before
 * touching its database, so this is the HTTP path alone.
 */
export async function httpBaseline(options: { url: string; concurrency: number; seconds: number }): Promise<number> {
  const body = JSON.stringify({ id: 'evt_baseline', type: 'payment.succeeded', data: { object: { padding: 'x'.repeat(380) } } });
  const headers = { 'webhook-id': 'msg_baseline', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' };
  const allowed = parseAllowlist(new URL(options.url).hostname);
  if (!allowed.ok) throw new Error(allowed.error);
  let posts = 0;
  let failures = 0;
  const deadline = performance.now() + options.seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline) {
        const result = await postWebhook(options.url, headers, body, { timeoutMs: 5000, maxResponseBytes: 1024, allowlist: allowed.allowlist });
        if (result.kind === 'response') posts += 1;
        else failures += 1;
      }
    }),
  );
  if (failures > posts) throw new Error(`the HTTP baseline mostly failed (${failures} errors): is ${options.url} up?`);
  return (posts * 1000) / (performance.now() - started);
}
