import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isAllowed, type PrivateAllowlist } from '../endpoints/domain/private-allowlist';
import { blockedCategory } from '../endpoints/domain/target-address';
import type { AttemptResult } from './domain/retry-policy';

export interface SendOptions {
  timeoutMs: number;
  /** Bytes of the response body kept; the rest is not read. */
  maxResponseBytes: number;
  /** Private targets allowed past the SSRF guard (WEBHOOK_ALLOWED_PRIVATE_TARGETS). */
  allowlist: PrivateAllowlist;
}

/** The reply's first bytes are kept as bytes: a receiver may answer anything (NUL, UTF-16, binary). */
export type SendResult = AttemptResult & { durationMs: number; responseBody?: Buffer };

class BlockedTargetError extends Error {}

/**
 * Resolves like dns.lookup, then refuses if any address is private and not allowed (SSRF
 * guard at connect time: a public name may resolve to a private address, or change after
 * registration).
 */
const guardedLookup = (allowlist: PrivateAllowlist): LookupFunction => (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const blocked = addresses.find((a) => blockedCategory(a.address) && !isAllowed(allowlist, a.address));
    if (blocked) {
      return callback(new BlockedTargetError(`${hostname} resolves to ${blockedCategory(blocked.address)} address ${blocked.address}`), '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
};

// Keep-alive agents: consecutive webhooks to one receiver reuse its connection.
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

/**
 * POSTs one webhook. Never throws: every outcome, including a refused target, a timeout
 * or a reset connection, comes back as a result to record. Redirects are not followed.
 */
export function postWebhook(url: string, headers: Record<string, string>, body: string, options: SendOptions): Promise<SendResult> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // An IP literal is never looked up, so the guard checks it here; a host name allowed by
  // name is trusted whatever it resolves to.
  const allowed = isAllowed(options.allowlist, host);
  if (!allowed && isIP(host) && blockedCategory(host)) {
    return Promise.resolve({ kind: 'error', error: `target refused: ${blockedCategory(host)} address ${host}`, durationMs: 0 });
  }
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: AttemptResult & { responseBody?: Buffer }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        agent: target.protocol === 'https:' ? agents.https : agents.http,
        lookup: allowed ? undefined : guardedLookup(options.allowlist),
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'Payhook-Webhooks/1.0' },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const done = () => {
          finish({
            kind: 'response',
            statusCode: response.statusCode ?? 0,
            retryAfter: response.headers['retry-after'],
            responseBody: Buffer.concat(chunks),
          });
        };
        response.on('data', (chunk: Buffer) => {
          if (kept < options.maxResponseBytes) {
            chunks.push(chunk.subarray(0, options.maxResponseBytes - kept));
            kept += Math.min(chunk.length, options.maxResponseBytes - kept);
          }
          // Enough read: stop here rather than download a huge body.
          if (kept >= options.maxResponseBytes) {
            done();
            response.destroy();
          }
        });
        response.on('end', done);
        response.on('error', done);
        response.on('close', done);
      },
    );
    const timer = setTimeout(() => {
      finish({ kind: 'error', error: `timeout after ${options.timeoutMs} ms` });
      request.destroy();
    }, options.timeoutMs);
    request.on('error', (error) => {
      const message = error instanceof BlockedTargetError ? `target refused: ${error.message}` : `${(error as NodeJS.ErrnoException).code ?? 'error'}: ${error.message}`;
      finish({ kind: 'error', error: message });
    });
    request.end(body);
  });
}
