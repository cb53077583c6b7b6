import { call, CliError, send, type Service } from '../api';
import { readEvents } from '../sse';

export interface ListenOptions {
  forwardTo: string;
  /** Comma-separated event types; all when absent. */
  events?: string;
  /** The listener's name at the dispatcher: restarting under the same name gets what was missed. */
  name: string;
}

interface Webhook {
  deliveryId: string;
  headers: Record<string, string>;
  body: string;
}

/** Longest wait for the local receiver: under the dispatcher's WEBHOOK_TIMEOUT_MS default (15 s), so the report comes first. */
const FORWARD_TIMEOUT_MS = 10_000;
/** Bytes of the local answer reported back: the dispatcher keeps at most WEBHOOK_RESPONSE_MAX_BYTES of them. */
const REPORTED_RESPONSE_BYTES = 4096;
const RECONNECT_MAX_MS = 5_000;

function forwardUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--forward-to ${value} is not a URL (for example http://127.0.0.1:4000/webhooks)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--forward-to must be an http or https URL, not ${url.protocol}`);
  return url;
}

function eventTypeOf(body: string): string {
  try {
    const type = (JSON.parse(body) as { type?: unknown }).type;
    return typeof type === 'string' ? type : '?';
  } catch {
    return '?';
  }
}

type Outcome = { statusCode: number; responseBodyBase64: string } | { error: string };

/** POSTs the webhook's exact bytes and headers, as the dispatcher signed them. */
async function forward(target: URL, webhook: Webhook): Promise<Outcome> {
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers: webhook.headers,
      body: Buffer.from(webhook.body, 'utf8'),
      redirect: 'manual',
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
    });
    const answer = Buffer.from(await response.arrayBuffer()).subarray(0, REPORTED_RESPONSE_BYTES);
    return { statusCode: response.status, responseBodyBase64: answer.toString('base64') };
  } catch (error) {
    const failure = error as { name?: string; cause?: { code?: string }; message?: string };
    return { error: failure.name === 'TimeoutError' ? `no answer within ${FORWARD_TIMEOUT_MS} ms` : (failure.cause?.code ?? failure.message ?? String(error)) };
  }
}

/**
 * `payhook listen`: opens (or reopens) the listener, prints its signing secret, then forwards
 * each webhook to the local URL and reports the local answer back as the attempt's outcome.
 * A dropped connection is opened again; what arrived meanwhile was held and comes then.
 * Runs until `signal` aborts.
 */
export async function listen(dispatcher: Service, options: ListenOptions, print: (line: string) => void, signal: AbortSignal): Promise<void> {
  const target = forwardUrl(options.forwardTo);
  const eventTypes = options.events?.split(',').map((t) => t.trim()).filter(Boolean);
  const path = `/v1/listeners/${encodeURIComponent(options.name)}`;
  const opened = await call<{ endpointId: string; secret: string; eventTypes: string[] }>(dispatcher, 'PUT', path, eventTypes ? { eventTypes } : {});
  print(`Ready. Webhook signing secret: ${opened.secret} (listener ${options.name}, endpoint ${opened.endpointId}, forwarding ${opened.eventTypes.join(', ')} to ${target})`);
  const inFlight = new Set<Promise<void>>();
  let wait = 250;
  while (!signal.aborted) {
    try {
      const response = await send(dispatcher, 'GET', `${path}/stream`, { headers: { accept: 'text/event-stream' }, signal });
      if (!response.ok || !response.body) throw new CliError(`webhook-dispatcher answered ${response.status} to the listener stream: ${(await response.text()).slice(0, 300)}`);
      for await (const message of readEvents(response.body as unknown as AsyncIterable<Uint8Array>)) {
        if (message.event === 'ready') wait = 250;
        if (message.event !== 'webhook') continue;
        const webhook = JSON.parse(message.data) as Webhook;
        const handled = handle(dispatcher, path, target, webhook, print);
        inFlight.add(handled);
        void handled.finally(() => inFlight.delete(handled));
      }
      if (!signal.aborted) print('the dispatcher closed the stream; reconnecting');
    } catch (error) {
      if (signal.aborted) break;
      if (error instanceof CliError && !error.message.startsWith('cannot reach')) throw error;
      print(`${error instanceof Error ? error.message : String(error)}; reconnecting in ${wait} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
    wait = Math.min(wait * 2, RECONNECT_MAX_MS);
  }
  await Promise.allSettled(inFlight);
}

async function handle(dispatcher: Service, path: string, target: URL, webhook: Webhook, print: (line: string) => void): Promise<void> {
  const started = performance.now();
  const outcome = await forward(target, webhook);
  const durationMs = Math.round(performance.now() - started);
  const shown = 'statusCode' in outcome ? `[${outcome.statusCode}]` : `[error: ${outcome.error}]`;
  print(`${new Date().toISOString()}  ${eventTypeOf(webhook.body).padEnd(24)}  ${webhook.deliveryId}  ${shown}  ${durationMs} ms`);
  try {
    await call(dispatcher, 'POST', `${path}/reports`, { deliveryId: webhook.deliveryId, durationMs, ...outcome });
  } catch (error) {
    // The attempt times out at the dispatcher and is retried: nothing is lost.
    print(`could not report ${webhook.deliveryId}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
