import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';

/** Standard Webhooks: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md */
export const SECRET_PREFIX = 'whsec_';
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** A new secret: `whsec_` + base64 of 32 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** The key bytes of a `whsec_<base64>` secret, or undefined when it is not one (24–64 bytes). */
export function secretKey(secret: string): Buffer | undefined {
  if (!secret.startsWith(SECRET_PREFIX)) return undefined;
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= 24 && key.length <= 64 ? key : undefined;
}

/** The most secrets whose prepared keys are kept; past it the oldest is dropped. */
const KEPT_KEYS = 256;
const preparedKeys = new Map<string, KeyObject>();

/**
 * The secret's key, prepared once: an HMAC keyed with a KeyObject costs a quarter of one
 * keyed with raw bytes, which Node prepares again on every call. Undefined when the secret is not one.
 */
function preparedKey(secret: string): KeyObject | undefined {
  const kept = preparedKeys.get(secret);
  if (kept) return kept;
  const bytes = secretKey(secret);
  if (!bytes) return undefined;
  if (preparedKeys.size >= KEPT_KEYS) preparedKeys.delete(preparedKeys.keys().next().value as string);
  const key = createSecretKey(bytes);
  preparedKeys.set(secret, key);
  return key;
}

function keyOf(secret: string): KeyObject {
  const key = preparedKey(secret);
  if (!key) throw new Error('A webhook secret is "whsec_" followed by the base64 of 24 to 64 bytes.');
  return key;
}

function hmac(key: KeyObject, id: string, timestamp: number, body: string | Buffer): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for one secret. */
export function sign(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  return `v1,${hmac(keyOf(secret), id, timestamp, body).toString('base64')}`;
}

/** The three headers of a signed webhook; several secrets (rotation) give space-separated signatures. */
export function signedHeaders(secrets: string[], id: string, timestamp: number, body: string | Buffer): WebhookHeaders {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => sign(secret, id, timestamp, body)).join(' '),
  };
}

export type VerifyFailure = 'missing_headers' | 'invalid_timestamp' | 'timestamp_too_old' | 'timestamp_too_new' | 'no_matching_signature';

export type VerifyResult = { ok: true; id: string; timestamp: number } | { ok: false; reason: VerifyFailure };

export interface VerifyOptions {
  /** Every secret currently valid for the endpoint: any one matching is enough. */
  secrets: string[];
  /** Seconds of clock difference accepted either way (default 300). */
  toleranceSeconds?: number;
  /** Unix seconds; defaults to the clock. */
  now?: number;
}

/**
 * Verifies a webhook against its raw body bytes. Signatures are compared in constant
 * time; every candidate is checked so the time taken does not depend on which matched.
 */
export function verify(
  body: string | Buffer,
  headers: Record<string, string | string[] | undefined>,
  options: VerifyOptions,
): VerifyResult {
  const header = (name: string) => {
    const value = headers[name] ?? headers[name.toLowerCase()];
    return Array.isArray(value) ? value[0] : value;
  };
  const id = header('webhook-id');
  const timestampHeader = header('webhook-timestamp');
  const signatureHeader = header('webhook-signature');
  if (!id || !timestampHeader || !signatureHeader) return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestampHeader)) return { ok: false, reason: 'invalid_timestamp' };
  const timestamp = Number(timestampHeader);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (now - timestamp > tolerance) return { ok: false, reason: 'timestamp_too_old' };
  if (timestamp - now > tolerance) return { ok: false, reason: 'timestamp_too_new' };

  const offered = signatureHeader
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  let matched = false;
  for (const secret of options.secrets) {
    const key = preparedKey(secret);
    if (!key) continue;
    const expected = hmac(key, id, timestamp, body);
    for (const candidate of offered) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
    }
  }
  return matched ? { ok: true, id, timestamp } : { ok: false, reason: 'no_matching_signature' };
}
