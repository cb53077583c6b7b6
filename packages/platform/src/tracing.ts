import type { Attributes, Tracer } from '@opentelemetry/api';
import { childSpan, formatTraceparent, newTrace, parseTraceparent, type TraceContext } from './trace-context';

export type SpanKind = 'server' | 'client' | 'producer' | 'consumer';

/** One hop of a payment's trace: its context (what the next hop continues) and its end. */
export interface Hop {
  context: TraceContext;
  /** The `traceparent` header the next hop receives. */
  readonly traceparent: string;
  end(attributes?: Attributes, error?: string): void;
}

/**
 * Spans of the payment's trace. Without OTEL_EXPORTER_OTLP_ENDPOINT nothing is exported:
 * a hop is only its ids (the SDK is not even loaded). With it, each hop is an
 * OpenTelemetry span, batched and sent over OTLP/HTTP (the SDK's own OTEL_* settings apply).
 */
export interface Tracing {
  readonly exporting: boolean;
  /** A hop continuing `parent` (a TraceContext, or a stored `traceparent`), or starting a trace without one. */
  hop(name: string, parent: TraceContext | string | null | undefined, kind: SpanKind, attributes?: Attributes): Hop;
  /** Sends what is batched; at shutdown. */
  shutdown(): Promise<void>;
}

const parentOf = (parent: TraceContext | string | null | undefined): TraceContext | undefined => (typeof parent === 'string' || parent == null ? parseTraceparent(parent) : parent);

function idsOnlyHop(context: TraceContext): Hop {
  return { context, traceparent: formatTraceparent(context), end: () => undefined };
}

const NOT_EXPORTING: Tracing = {
  exporting: false,
  hop: (_name, parent) => {
    const from = parentOf(parent);
    return idsOnlyHop(from ? childSpan(from) : newTrace());
  },
  shutdown: async () => undefined,
};

/** Where spans go, as the OTLP specification says: the traces endpoint as given, or the base endpoint + /v1/traces. */
function tracesUrl(env: NodeJS.ProcessEnv): string {
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? `${env.OTEL_EXPORTER_OTLP_ENDPOINT!.replace(/\/+$/, '')}/v1/traces`;
}

/** The tracing an app uses: exporting over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set, ids only otherwise. */
export function startTracing(service: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return NOT_EXPORTING;
  // Loaded only when exporting, so an app that does not export pays nothing for the SDK.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  const { TracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace') as typeof import('@opentelemetry/sdk-trace');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? service }),
    // Bounded: at most 2,048 spans wait (the SDK drops beyond), sent in batches every 5 s.
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: tracesUrl(env) }) })],
  });
  const tracer: Tracer = provider.getTracer('payhook');
  const kinds = { server: api.SpanKind.SERVER, client: api.SpanKind.CLIENT, producer: api.SpanKind.PRODUCER, consumer: api.SpanKind.CONSUMER };
  return {
    exporting: true,
    hop(name, parent, kind, attributes) {
      const from = parentOf(parent);
      const context = from
        ? api.trace.setSpanContext(api.ROOT_CONTEXT, { traceId: from.traceId, spanId: from.spanId, traceFlags: parseInt(from.flags, 16), isRemote: true })
        : api.ROOT_CONTEXT;
      const span = tracer.startSpan(name, { kind: kinds[kind], attributes }, context);
      const { traceId, spanId, traceFlags } = span.spanContext();
      const hop = idsOnlyHop({ traceId, spanId, flags: traceFlags.toString(16).padStart(2, '0') });
      return {
        ...hop,
        end(endAttributes, error) {
          if (endAttributes) span.setAttributes(endAttributes);
          if (error) span.setStatus({ code: api.SpanStatusCode.ERROR, message: error });
          span.end();
        },
      };
    },
    shutdown: () => provider.shutdown(),
  };
}
