import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { ConsoleConfig } from './config';
import { parseSamples, total } from './prometheus';
import { Sessions } from './sessions';

const COOKIE = 'payhook_console';
/** Largest request body passed on to an app (the apps' own limit is 100 KiB). */
const MAX_BODY_BYTES = 128 * 1024;
const UPSTREAM_TIMEOUT_MS = 15_000;
/** Request headers passed on to an app; everything else (cookies above all) stays here. */
const FORWARDED_HEADERS = ['content-type', 'accept', 'idempotency-key', 'traceparent'];
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

type Upstream = 'payments' | 'dispatcher' | 'orders';

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

function sendError(response: ServerResponse, status: number, code: string, message: string): void {
  sendJson(response, status, { error: { type: status >= 500 ? 'api_error' : 'invalid_request_error', code, message } });
}

function cookieOf(request: IncomingMessage): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === COOKIE) return value.join('=');
  }
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * The console's server: the built React app, one session per browser holding the
 * dispatcher key it entered, and a proxy to the three apps under /api/{payments,
 * dispatcher,orders}/… (so the browser talks to one origin). payment-service is read-only
 * through it, with the server's own key; the dispatcher gets the session's key.
 */
export function createConsoleServer(config: ConsoleConfig, webRoot: string): Server {
  const sessions = new Sessions();
  const upstreams: Record<Upstream, { url: string; key: () => string | undefined }> = {
    payments: { url: config.PAYMENT_SERVICE_URL, key: () => config.PAYMENT_API_KEY },
    dispatcher: { url: config.WEBHOOK_DISPATCHER_URL, key: () => undefined },
    orders: { url: config.ORDER_SERVICE_URL, key: () => undefined },
  };

  async function proxy(request: IncomingMessage, response: ServerResponse, upstream: Upstream, path: string): Promise<void> {
    const method = request.method ?? 'GET';
    let key = upstreams[upstream].key();
    if (upstream === 'dispatcher') {
      key = sessions.keyOf(cookieOf(request));
      if (!key) return sendError(response, 401, 'no_session', 'Enter the dispatcher API key first.');
    }
    if (upstream === 'payments' && method !== 'GET') return sendError(response, 405, 'read_only', 'payment-service is read-only through the console.');
    const body = method === 'GET' || method === 'HEAD' ? undefined : await readBody(request);
    if (method !== 'GET' && method !== 'HEAD' && body === undefined) return sendError(response, 413, 'payload_too_large', 'The request body is too large.');
    const headers: Record<string, string> = {};
    for (const name of FORWARDED_HEADERS) if (typeof request.headers[name] === 'string') headers[name] = request.headers[name] as string;
    if (key) headers.authorization = `Bearer ${key}`;
    const abort = new AbortController();
    response.on('close', () => abort.abort());
    const streaming = (request.headers.accept ?? '').includes('text/event-stream');
    const timer = streaming ? undefined : setTimeout(() => abort.abort(), UPSTREAM_TIMEOUT_MS);
    try {
      const answer = await fetch(`${upstreams[upstream].url}${path}`, { method, headers, body: body?.length ? new Uint8Array(body) : undefined, signal: abort.signal });
      const type = answer.headers.get('content-type');
      response.writeHead(answer.status, { ...(type && { 'content-type': type }), 'cache-control': 'no-store' });
      if (answer.body) Readable.fromWeb(answer.body as never).on('error', () => response.destroy()).pipe(response);
      else response.end();
    } catch (error) {
      if (response.headersSent) return void response.destroy();
      const reason = (error as { cause?: { code?: string } })?.cause?.code ?? (error instanceof Error ? error.name : String(error));
      sendError(response, 502, 'app_unreachable', `${upstream === 'payments' ? 'payment-service' : upstream === 'orders' ? 'order-service' : 'webhook-dispatcher'} did not answer (${reason}).`);
    } finally {
      clearTimeout(timer);
    }
  }

  async function openSession(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    let key: unknown;
    try {
      key = JSON.parse(body?.toString('utf8') ?? '').key;
    } catch {
      key = undefined;
    }
    if (typeof key !== 'string' || key.length === 0 || key.length > 500) return sendError(response, 400, 'invalid_key', 'Send {"key": "<DISPATCHER_API_KEY>"}.');
    let status: number;
    try {
      status = (await fetch(`${config.WEBHOOK_DISPATCHER_URL}/v1/endpoints`, { headers: { authorization: `Bearer ${key}` }, signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) })).status;
    } catch {
      return sendError(response, 502, 'app_unreachable', 'webhook-dispatcher did not answer.');
    }
    if (status === 401) return sendError(response, 401, 'invalid_key', 'The dispatcher refused this key.');
    if (status !== 200) return sendError(response, 502, 'app_error', `webhook-dispatcher answered ${status}.`);
    const id = sessions.open(key);
    response.setHeader('set-cookie', `${COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/`);
    sendJson(response, 200, { active: true });
  }

  async function overview(response: ServerResponse): Promise<void> {
    const read = async (url: string) => {
      try {
        const answer = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(3000) });
        return answer.ok ? parseSamples(await answer.text()) : undefined;
      } catch {
        return undefined;
      }
    };
    const [payments, dispatcher, orders] = await Promise.all([read(config.PAYMENT_SERVICE_URL), read(config.WEBHOOK_DISPATCHER_URL), read(config.ORDER_SERVICE_URL)]);
    const requests = (samples: typeof payments) => (samples ? total(samples, 'payhook_http_request_duration_seconds_count') : null);
    sendJson(response, 200, {
      at: Date.now(),
      payments: payments && {
        requests: requests(payments),
        outboxDepth: total(payments, 'payhook_outbox_depth'),
        outboxOldestAgeSeconds: total(payments, 'payhook_outbox_oldest_age_seconds'),
        quarantined: total(payments, 'payhook_quarantined_records'),
      },
      dispatcher: dispatcher && {
        requests: requests(dispatcher),
        delivered: total(dispatcher, 'payhook_delivery_attempts_total', { outcome: 'delivered' }),
        retrying: total(dispatcher, 'payhook_delivery_attempts_total', { outcome: 'retrying' }),
        failed: total(dispatcher, 'payhook_delivery_attempts_total', { outcome: 'failed' }),
        pending: total(dispatcher, 'payhook_deliveries_waiting', { status: 'pending' }),
        held: total(dispatcher, 'payhook_deliveries_waiting', { status: 'held' }),
        consumerLag: total(dispatcher, 'payhook_consumer_lag_messages'),
        quarantined: total(dispatcher, 'payhook_quarantined_records'),
      },
      orders: orders && {
        requests: requests(orders),
        applied: total(orders, 'payhook_webhooks_applied_total', { result: 'applied' }),
        duplicates: total(orders, 'payhook_webhooks_applied_total', { result: 'duplicate' }),
        reconciled: total(orders, 'payhook_reconciliations_total', { result: 'applied' }),
        quarantined: total(orders, 'payhook_quarantined_records'),
      },
    });
  }

  function serveStatic(path: string, response: ServerResponse): void {
    const decoded = (() => {
      try {
        return decodeURIComponent(path);
      } catch {
        return '/';
      }
    })();
    const file = normalize(join(webRoot, decoded));
    // Under the web root itself, not a sibling whose name starts the same (dist/web-x).
    const inside = file.startsWith(`${webRoot}${sep}`) && existsSync(file) && statSync(file).isFile();
    const target = inside ? file : join(webRoot, 'index.html');
    if (!existsSync(target)) return sendError(response, 503, 'console_not_built', 'The console is not built: run `npm run build`.');
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(target)] ?? 'application/octet-stream', 'cache-control': inside && decoded.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache' });
    createReadStream(target).pipe(response);
  }

  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://console.local');
    const path = url.pathname;
    const route = /^\/api\/(payments|dispatcher|orders)(\/.*)$/.exec(path);
    const handle = async () => {
      if (path === '/health') return sendJson(response, 200, { status: 'ok' });
      if (path === '/api/session' && request.method === 'GET') return sendJson(response, 200, { active: sessions.keyOf(cookieOf(request)) !== undefined });
      if (path === '/api/session' && request.method === 'POST') return openSession(request, response);
      if (path === '/api/session' && request.method === 'DELETE') {
        sessions.close(cookieOf(request));
        response.setHeader('set-cookie', `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`);
        return sendJson(response, 200, { active: false });
      }
      if (path === '/api/overview' && request.method === 'GET') return overview(response);
      if (route) return proxy(request, response, route[1] as Upstream, `${route[2]}${url.search}`);
      if (path.startsWith('/api/')) return sendError(response, 404, 'not_found', 'No such console route.');
      if (request.method !== 'GET' && request.method !== 'HEAD') return sendError(response, 405, 'method_not_allowed', 'Only GET here.');
      serveStatic(path, response);
    };
    handle().catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 500, 'console_error', error instanceof Error ? error.message : String(error));
      else response.destroy();
    });
  });
}
