import type { Ledger } from '@payhook/testkit';
import { benchSettings } from '../settings';
import { summarize } from '../stats/summary';
import { formatReport, isValid, LOAD_GENERATOR, POSTGRES, stageRatios, type BenchResult } from './bench-report';

const latency = summarize([10, 20, 30]);
const hops = {
  endToEnd: latency,
  orderLatency: latency,
  hops: { 'outbox → Kafka': latency, 'Kafka → delivery row': latency, 'delivery row → webhook sent': latency, 'sent → received by order-service': latency, 'received → order committed': latency },
  stageRates: { 'payment events committed': 100, 'published to Kafka': 100, 'delivery rows committed': 100, 'webhooks received': 50, 'orders committed': 50 },
};
const cleanLedger: Ledger = {
  ordersPlaced: 10,
  ordersInCorrectFinalState: 10,
  eventsPublished: 20,
  eventsDeliveredToOrderService: 20,
  deliveriesMade: 20,
  duplicateDeliveriesSeen: 0,
  lostOrders: 0,
  lostEvents: 0,
  duplicatePayments: 0,
  duplicateOrderChanges: 0,
  quarantined: 0,
  faults: {},
};
const backlog = { 'payment requests': 0, 'payment processing': 0, 'payment outbox': 0, 'kafka → dispatcher': 0, 'webhook deliveries': 0, 'orders unsettled': 0 };

function result(overrides: Partial<BenchResult> = {}): BenchResult {
  return {
    runAt: '2026-11-23T00:00:00Z',
    machine: { cores: 2, memoryGiB: 24, node: 'v20' },
    settings: benchSettings({}, []),
    baselines: { kafkaMessagesPerSecond: 10_000, postgresCommitsPerSecond: 1_000, httpPostsPerSecond: 400, instantHttpPostsPerSecond: 2_000 },
    fixedRate: { offered: 200, seconds: 20, accepted: 4000, refused: 0, placementLatency: latency, ...hops },
    ramp: {
      steps: [
        { targetRate: 25, acceptedRate: 25, settledRate: 25, backlogReadings: [{ atSeconds: 1, backlog: 2 }, { atSeconds: 8, backlog: 2 }], sustained: true, tries: 1, backlog, cpuMsPerOrder: 2.4, ...hops },
        { targetRate: 50, acceptedRate: 50, settledRate: 40, backlogReadings: [{ atSeconds: 1, backlog: 10 }, { atSeconds: 2, backlog: 40 }, { atSeconds: 8, backlog: 200 }], sustained: false, tries: 2, backlog, cpuMsPerOrder: 1.9, ...hops },
      ],
      highestSustainedRate: 25,
    },
    dispatcherOnly: { events: 100, endpoints: 4, webhooks: 400, deliveryRowsPerSecond: 4_000, webhooksPerSecond: 1_000, cpuMsPerWebhook: { 'webhook-dispatcher': 0.12, [POSTGRES]: 0.2 } },
    efficiency: { cpuMsPerOrder: { 'payment-service': 2, 'Kafka broker': 1, [LOAD_GENERATOR]: 0.5 }, idleCpuPercent: { 'payment-service': 0.5 }, commitsPerOrder: 4 },
    refusals: {},
    ledger: cleanLedger,
    valid: true,
    ...overrides,
  };
}

describe('stageRatios', () => {
  it('puts each stage in its baseline unit, at the fixed rate and at the best sustained step', () => {
    expect(stageRatios(result())).toEqual([
      { stage: 'Kafka: events published+consumed', baseline: 10_000, atFixedRate: 200, atBestStep: 50 },
      { stage: 'Postgres: commits (3 databases)', baseline: 1_000, atFixedRate: 200, atBestStep: 100 },
      { stage: 'HTTP: webhook POSTs', baseline: 400, atFixedRate: 50, atBestStep: 25 },
    ]);
  });

  it('has no best-step figure when no step was sustained', () => {
    const none = result({ ramp: { ...result().ramp, highestSustainedRate: null } });
    expect(stageRatios(none).every((r) => Number.isNaN(r.atBestStep))).toBe(true);
  });
});

describe('isValid', () => {
  it('voids a run that lost or doubled anything', () => {
    expect(isValid(cleanLedger)).toBe(true);
    expect(isValid({ ...cleanLedger, lostOrders: 1 })).toBe(false);
    expect(isValid({ ...cleanLedger, duplicateOrderChanges: 1 })).toBe(false);
  });
});

describe('formatReport', () => {
  it('prints the hops, the ramp, the ratios, CPU with a total, and the ledger verdict', () => {
    const report = formatReport(result());
    expect(report).toContain('highest sustained rate: 25 orders/s');
    // A step that failed twice: run again from rest before the ramp stops.
    // Its backlog: the first and last readings, and the median slope between readings (30, 27.1, 26.7/s).
    expect(report).toMatch(/^50\s+2\s+50\s+40\s+10\s+200\s+27\.1\s+NO/m);
    // Each step ends with Payhook's CPU per order settled in it.
    expect(report).toMatch(/^25\s+1\s.*\s2\.40$/m);
    expect(report).toMatch(/HTTP: webhook POSTs\s+400\s+50\s+0\.13\s+25\s+0\.06/);
    expect(report).toMatch(/100 events × 4 instant endpoints\s+400\s+4,000\s+1,000\s+2,000\s+0\.50/);
    expect(report).toMatch(/ALL OF THE ABOVE\s+3\.50\s/);
    expect(report).toMatch(/PAYHOOK \(all but the load generator\)\s+3\s/);
    // The dispatcher-only phase's CPU, in µs per webhook, with its total.
    expect(report).toMatch(/^webhook-dispatcher\s+120$/m);
    expect(report).toMatch(/^ALL OF THE ABOVE\s+320$/m);
    expect(report).toContain('the figures stand');
  });

  it('says so when the run is void, and lists the refusals', () => {
    const report = formatReport(result({ valid: false, refusals: { 0: 1 } }));
    expect(report).toContain('THIS RUN IS VOID');
    expect(report).toContain('refused by status: {"0":1}');
  });
});
