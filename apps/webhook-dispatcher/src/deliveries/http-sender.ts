import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, errors as undiciErrors, request } from 'undici';
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

// undici's Agent: a keep-alive pool per origin, so consecutive webhooks to one receiver reuse
// their connections. Chosen by measurement (docs/benchmarks.md): 1.3× the POSTs per second
// of node:http's keep-alive agent on the same machine, for three quarters of its CPU. One
// agent per allowlist, because the SSRF guard is its connect-time lookup; it goes with its
// allowlist (a process has one, from WEBHOOK_ALLOWED_PRIVATE_TARGETS).
const agents = new WeakMap<PrivateAllowlist, Agent>();
const trusting = new Agent({ connections: 256, keepAliveTimeout: 30_000 });

function agentFor(allowlist: PrivateAllowlist): Agent {
  let agent = agents.get(allowlist);
  if (!agent) {
    agent = new Agent({ connections: 256, keepAliveTimeout: 30_000, connect: { lookup: guardedLookup(allowlist) } });
    agents.set(allowlist, agent);
  }
  return agent;
}

/** The innermost cause: undici wraps a connect failure (a refused lookup, ECONNREFUSED). */
function rootCause(error: unknown): Error & { code?: string } {
  let current = error as Error & { code?: string; cause?: unknown };
  for (let depth = 0; depth < 5 && current.cause instanceof Error; depth++) current = current.cause as Error & { code?: string; cause?: unknown };
  return current;
}

/** The headers every webhook carries besides its signature and trace: a listener's CLI sends them too. */
export const WEBHOOK_CONTENT_HEADERS = { 'content-type': 'application/json', 'user-agent': 'Payhook-Webhooks/1.0' } as const;

/**
 * POSTs one webhook. Never throws: every outcome, including a refused target, a timeout
 * or a reset connection, comes back as a result to record. Redirects are not followed.
 */
export async function postWebhook(url: string, headers: Record<string, string>, body: string, options: SendOptions): Promise<SendResult> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // An IP literal is never looked up, so the guard checks it here; a host name allowed by
  // name is trusted whatever it resolves to.
  const allowed = isAllowed(options.allowlist, host);
  if (!allowed && isIP(host) && blockedCategory(host)) {
    return { kind: 'error', error: `target refused: ${blockedCategory(host)} address ${host}`, durationMs: 0 };
  }
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), options.timeoutMs);
  try {
    const response = await request(target, {
      method: 'POST',
      dispatcher: allowed ? trusting : agentFor(options.allowlist),
      headers: { ...headers, ...WEBHOOK_CONTENT_HEADERS },
      body,
      signal: timeout.signal,
    });
    // The reply's first bytes are kept; the rest is not read.
    const chunks: Buffer[] = [];
    let kept = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Buffer>) {
        chunks.push(chunk.subarray(0, options.maxResponseBytes - kept));
        kept += Math.min(chunk.length, options.maxResponseBytes - kept);
        if (kept >= options.maxResponseBytes) break;
      }
    } catch (error) {
      // A body cut short by a reset still leaves the status, recorded with what came; one
      // still coming when the time is up is a timeout, as a receiver that never answered.
      if (timeout.signal.aborted) throw error;
    } finally {
      if (kept >= options.maxResponseBytes) response.body.destroy();
    }
    const retryAfter = response.headers['retry-after'];
    return {
      kind: 'response',
      statusCode: response.statusCode,
      retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      responseBody: Buffer.concat(chunks),
      durationMs: elapsed(),
    };
  } catch (error) {
    if (timeout.signal.aborted) return { kind: 'error', error: `timeout after ${options.timeoutMs} ms`, durationMs: elapsed() };
    const cause = rootCause(error);
    const message =
      cause instanceof BlockedTargetError
        ? `target refused: ${cause.message}`
        : `${cause.code ?? (error instanceof undiciErrors.UndiciError ? error.code : 'error')}: ${cause.message}`;
    return { kind: 'error', error: message, durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}
