import { randomUUID } from 'node:crypto';
import { signedHeaders } from '@payhook/webhook-signature';

export interface SendWebhookOptions {
  /** The receiver's `whsec_…` secret(s); several give a rotation-style signature list. */
  secrets: string[];
  /** The body, sent byte for byte (objects are JSON-encoded). */
  body: string | object;
  /** Default: a fresh `msg_…` id. */
  webhookId?: string;
  /** Unix seconds; default now. Move it to test the tolerance window. */
  timestamp?: number;
  /** Deliberate faults: sign another body than the one sent, or replace the signature header. */
  tamper?: { signedBody?: string; signature?: string; omitHeaders?: Array<'webhook-id' | 'webhook-timestamp' | 'webhook-signature'> };
  headers?: Record<string, string>;
}

export interface SentWebhook {
  webhookId: string;
  status: number;
  body: string;
}

/**
 * Posts a Standard Webhooks-signed webhook to any URL: how a team tests its own consumer
 * (good, forged, replayed, stale) without running the whole stack.
 */
export async function sendWebhook(url: string, options: SendWebhookOptions): Promise<SentWebhook> {
  const body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const webhookId = options.webhookId ?? `msg_${randomUUID().replace(/-/g, '')}`;
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    ...signedHeaders(options.secrets, webhookId, timestamp, options.tamper?.signedBody ?? body),
    'content-type': 'application/json',
    ...options.headers,
  };
  if (options.tamper?.signature !== undefined) headers['webhook-signature'] = options.tamper.signature;
  for (const name of options.tamper?.omitHeaders ?? []) delete headers[name];
  const response = await fetch(url, { method: 'POST', headers, body });
  return { webhookId, status: response.status, body: await response.text() };
}
