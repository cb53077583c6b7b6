import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type { Counter, Histogram } from 'prom-client';

/** Latency buckets in seconds, 5 ms to 10 s: HTTP requests and webhook attempts. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** How long a scrape waits for one sampled value (a count in Postgres, a Kafka offset) before leaving it out. */
const SAMPLE_DEADLINE_MS = 2000;

export interface Sample<L extends string> {
  labels?: Partial<Record<L, string>>;
  value: number;
}

/**
 * One Prometheus registry per app, served at GET /metrics: the process's own figures
 * (CPU, memory, event-loop delay, GC) and the app's. Every label has a bounded set of
 * values (routes as templates, statuses, outcomes, worker names): never an id.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly sampleFailures: Counter<'metric'>;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.sampleFailures = this.counter('payhook_metric_sample_failures_total', 'Sampled metrics left out of a scrape because their source did not answer in time', ['metric']);
  }

  counter<L extends string = never>(name: string, help: string, labelNames: L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string = never>(name: string, help: string, labelNames: L[] = [], buckets = LATENCY_BUCKETS): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /**
   * A gauge read when scraped (a queue depth, the age of the oldest row). A read that fails
   * or takes longer than 2 s leaves the gauge out of that scrape and counts the failure.
   */
  sampled<L extends string = never>(name: string, help: string, labelNames: L[], read: () => Promise<Sample<L>[]>): void {
    const failures = this.sampleFailures;
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        try {
          for (const sample of await withinDeadline(read(), SAMPLE_DEADLINE_MS)) {
            if (sample.labels) this.set(sample.labels, sample.value);
            else this.set(sample.value);
          }
        } catch {
          failures.inc({ metric: name });
        }
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * One read shared by everything that asks while it is in flight: gauges fed by the same
 * query (the outbox's depth and age) cost one query per scrape, not one each.
 */
export function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => (inFlight ??= read().finally(() => (inFlight = undefined)));
}

function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/**
 * Counts every answered request by method, route template (`/v1/deliveries/:id`, or
 * `unmatched` for a 404 no route took) and status, with its latency.
 */
export function measureRequests(fastify: FastifyInstance, metrics: Metrics): void {
  const requests = metrics.histogram('payhook_http_request_duration_seconds', 'HTTP requests answered, by method, route template and status', ['method', 'route', 'status_code']);
  fastify.addHook('onResponse', (request, reply, done) => {
    requests.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}

@ApiTags('operations')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(Metrics) private readonly metrics: Metrics) {}

  @Get()
  @Header('content-type', Registry.PROMETHEUS_CONTENT_TYPE)
  @ApiOperation({ summary: 'Metrics in the Prometheus text format (no auth, like /health)' })
  @ApiProduces('text/plain')
  @ApiResponse({ status: 200, description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } })
  scrape(): Promise<string> {
    return this.metrics.text();
  }
}
