import { randomFillSync } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Hop, Tracing } from './tracing';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): one trace per payment, carried
 * as a `traceparent` header between the apps, in Kafka headers and in stored rows, so every
 * log line on an order's path names the same `traceId`.
 */
export interface TraceContext {
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** This hop's span: 16 lowercase hex digits, not all zero. */
  spanId: string;
  /** Trace flags, 2 hex digits (01: sampled). */
  flags: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZEROS = /^0+$/;

/** The context a `traceparent` value names, or undefined when it is absent or not valid (then a new trace starts). */
export function parseTraceparent(value: unknown): TraceContext | undefined {
  if (typeof value !== 'string' || value.length > 512) return undefined;
  const match = TRACEPARENT.exec(value.trim());
  if (!match) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  // Version ff is invalid; version 00 has exactly four fields.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (ZEROS.test(traceId) || ZEROS.test(spanId)) return undefined;
  return { traceId, spanId, flags };
}

export function formatTraceparent(context: TraceContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.flags}`;
}

// Ids are cut from a pool of random bytes filled 4 KiB at a time: a call to the system's
// random source per id cost more than the rest of a request's tracing (randomUUID buffers the same way).
const randomPool = Buffer.alloc(4096);
let poolOffset = randomPool.length;

function randomHex(bytes: number): string {
  if (poolOffset + bytes > randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  poolOffset += bytes;
  return randomPool.toString('hex', poolOffset - bytes, poolOffset);
}

/** A span of this trace for the next hop (same trace id, a new span id). */
export function childSpan(parent: TraceContext): TraceContext {
  return { traceId: parent.traceId, spanId: randomHex(8), flags: parent.flags };
}

/** A new, sampled trace: the first hop of a payment whose caller sent no `traceparent`. */
export function newTrace(): TraceContext {
  return { traceId: randomHex(16), spanId: randomHex(8), flags: '01' };
}

declare module 'fastify' {
  interface FastifyRequest {
    trace: TraceContext;
    hop?: Hop;
  }
}

/** Every request is a hop of its trace: the caller's `traceparent` continued, or a new trace; its span ends with the answer. */
export function traceRequests(fastify: FastifyInstance, tracing: Tracing): void {
  fastify.decorateRequest('trace', undefined as unknown as TraceContext);
  fastify.decorateRequest('hop', undefined);
  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    request.hop = tracing.hop(`${request.method} ${route}`, request.headers.traceparent as string | undefined, 'server', { 'http.request.method': request.method, 'http.route': route });
    request.trace = request.hop.context;
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    request.hop?.end({ 'http.response.status_code': reply.statusCode }, reply.statusCode >= 500 ? `HTTP ${reply.statusCode}` : undefined);
    done();
  });
}

/** The request's trace context, for a handler that stores or forwards it. */
export const RequestTrace = createParamDecorator((_data: unknown, context: ExecutionContext): TraceContext => context.switchToHttp().getRequest<FastifyRequest>().trace);

/** The OpenAPI description of the `traceparent` request header, for the routes that start or continue a payment's trace. */
export const TRACEPARENT_API_HEADER = { name: 'traceparent', required: false, description: 'W3C trace context to continue; a new trace starts without one' };
