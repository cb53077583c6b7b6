import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseTraceparent } from './trace-context';
import { startTracing } from './tracing';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = `00-${TRACE}-00f067aa0ba902b7-01`;

describe('tracing without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  const tracing = startTracing('test', {});

  it('exports nothing and continues the parent with a new span id', () => {
    expect(tracing.exporting).toBe(false);
    const hop = tracing.hop('POST /v1/payments', PARENT, 'client');
    expect(hop.context.traceId).toBe(TRACE);
    expect(parseTraceparent(hop.traceparent)).toEqual(hop.context);
    expect(hop.traceparent).not.toBe(PARENT);
    hop.end({ 'http.response.status_code': 201 });
  });

  it('starts a trace when there is no parent, or one that is not valid', () => {
    for (const parent of [null, undefined, 'garbage']) expect(tracing.hop('x', parent, 'server').context.traceId).not.toBe(TRACE);
  });
});

describe('tracing with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('exports each hop as a span of the parent trace over OTLP/HTTP', async () => {
    const received: Array<{ path: string; body: Buffer }> = [];
    const collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body: Buffer.concat(chunks) });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const tracing = startTracing('payment-service', { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}` });
    try {
      expect(tracing.exporting).toBe(true);
      const hop = tracing.hop('POST /v1/payments', PARENT, 'server');
      expect(hop.context.traceId).toBe(TRACE);
      hop.end({ 'http.response.status_code': 201 });
      await tracing.shutdown();
      expect(received.map((r) => r.path)).toEqual(['/v1/traces']);
      // The OTLP payload names the service, the span and its trace (as text or as bytes, by encoding).
      const body = received[0].body;
      expect(body.includes('payment-service')).toBe(true);
      expect(body.includes('POST /v1/payments')).toBe(true);
      expect(body.includes(TRACE) || body.includes(Buffer.from(TRACE, 'hex'))).toBe(true);
    } finally {
      // Its batch timer stops here even when an assertion failed (a second shutdown is a no-op).
      await tracing.shutdown();
      collector.closeAllConnections();
      collector.close();
    }
  });
});
