import { duplicateEffects, formatLedger, lost, type Ledger } from '@payhook/testkit';
import type { DispatcherOnlyResult } from '../load/dispatcher-only';
import { backlogGrowthPerSecond, type RampStep } from '../load/ramp';
import type { Backlog } from '../measure/backlog';
import { HOPS, type HopReport } from '../measure/hops';
import type { BenchSettings } from '../settings';
import { sum, type Summary } from '../stats/summary';
import { latencyCells, LATENCY_HEADERS, table } from './table';

/** The bench's own work in the CPU tables: its process, and Postgres's on its readings of the apps' databases. */
export const LOAD_GENERATOR = 'load generator (bench and its readings)';
/** Every Postgres process in the CPU tables but those serving the bench's readings. */
export const POSTGRES = "Postgres (all but the bench's readings)";

// A paid order has two events (payment.created, payment.succeeded) and one webhook: order-service takes payment.succeeded only.
const EVENTS_PER_ORDER = 2;
const WEBHOOKS_PER_ORDER = 1;

export interface RampStepResult extends RampStep, HopReport {
  sustained: boolean;
  /** 2 when the step failed once and was run again from rest (its second run is what is shown). */
  tries: number;
  backlog: Backlog;
  /** Payhook's CPU over the step (the apps, the broker and Postgres, not the load generator), per order settled in it. */
  cpuMsPerOrder: number;
}

/** Everything a run measured: written as JSON and printed as tables. */
export interface BenchResult {
  runAt: string;
  machine: { cores: number; cpuModel?: string; memoryGiB: number; node: string };
  settings: BenchSettings;
  baselines: { kafkaMessagesPerSecond: number; postgresCommitsPerSecond: number; httpPostsPerSecond: number; instantHttpPostsPerSecond: number };
  fixedRate: HopReport & { offered: number; seconds: number; accepted: number; refused: number; placementLatency: Summary };
  ramp: { steps: RampStepResult[]; highestSustainedRate: number | null };
  /** With the CPU each process spent per webhook over the phase (the bench's share is the producer and the receiver). */
  dispatcherOnly: DispatcherOnlyResult & { cpuMsPerWebhook: Record<string, number> };
  efficiency: { cpuMsPerOrder: Record<string, number>; idleCpuPercent: Record<string, number>; commitsPerOrder: number };
  /** With BENCH_INSTANCES ≥ 2: what each instance did in the fixed-rate phase, from its /metrics. */
  perInstance?: Array<{ app: string; instance: number; stage: string; count: number; perSecond: number }>;
  /** Orders not accepted over the whole run, by HTTP status (0 = no answer). */
  refusals: Record<number, number>;
  ledger: Ledger;
  valid: boolean;
}

/** Each stage's load in its baseline's unit (events through Kafka, commits, webhook POSTs), and the ratio. */
export function stageRatios(result: BenchResult): Array<{ stage: string; baseline: number; atFixedRate: number; atBestStep: number }> {
  const { baselines, fixedRate, efficiency } = result;
  const best = result.ramp.steps.find((s) => s.targetRate === result.ramp.highestSustainedRate);
  const bestOrders = best?.settledRate ?? NaN;
  return [
    {
      stage: 'Kafka: events published+consumed',
      baseline: baselines.kafkaMessagesPerSecond,
      atFixedRate: fixedRate.stageRates['published to Kafka'] * EVENTS_PER_ORDER,
      atBestStep: bestOrders * EVENTS_PER_ORDER,
    },
    {
      stage: 'Postgres: commits (3 databases)',
      baseline: baselines.postgresCommitsPerSecond,
      atFixedRate: fixedRate.stageRates['orders committed'] * efficiency.commitsPerOrder,
      atBestStep: bestOrders * efficiency.commitsPerOrder,
    },
    {
      stage: 'HTTP: webhook POSTs',
      baseline: baselines.httpPostsPerSecond,
      atFixedRate: fixedRate.stageRates['webhooks received'] * WEBHOOKS_PER_ORDER,
      atBestStep: bestOrders * WEBHOOKS_PER_ORDER,
    },
  ];
}

export function isValid(ledger: Ledger): boolean {
  return lost(ledger) === 0 && duplicateEffects(ledger) === 0;
}

/** The summary printed at the end of a run. */
export function formatReport(result: BenchResult): string {
  const { fixedRate, ramp, efficiency } = result;
  const refused = Object.keys(result.refusals).length ? ` (whole run, refused by status: ${JSON.stringify(result.refusals)})` : '';
  const cpu = Object.entries(efficiency.cpuMsPerOrder);
  return [
    '',
    `fixed rate ${fixedRate.offered} orders/s for ${fixedRate.seconds} s: ${fixedRate.accepted} accepted, ${fixedRate.refused} refused${refused}`,
    table(
      ['hop', ...LATENCY_HEADERS],
      [
        ...HOPS.map((hop) => [hop, ...latencyCells(fixedRate.hops[hop])]),
        ['END TO END: payment event commit → order commit', ...latencyCells(fixedRate.endToEnd)],
        ['order scheduled → order committed (open loop)', ...latencyCells(fixedRate.orderLatency)],
        ['POST /v1/orders answered (from scheduled time)', ...latencyCells(fixedRate.placementLatency)],
      ],
    ),
    '',
    table(['stage (fixed-rate phase)', 'events/s'], Object.entries(fixedRate.stageRates)),
    '',
    table(
      ['ramp step (orders/s)', 'tries', 'accepted/s', 'settled/s', 'backlog early', 'backlog end', 'growth/s', 'sustained', 'e2e p50 ms', 'e2e p99 ms', 'order p50 ms', 'order p99 ms', 'CPU ms/order'],
      ramp.steps.map((s) => [
        String(s.targetRate),
        String(s.tries),
        s.acceptedRate,
        s.settledRate,
        s.backlogReadings[0]?.backlog ?? 0,
        s.backlogReadings[s.backlogReadings.length - 1]?.backlog ?? 0,
        backlogGrowthPerSecond(s.backlogReadings),
        s.sustained ? 'yes' : 'NO',
        s.endToEnd.p50,
        s.endToEnd.p99,
        s.orderLatency.p50,
        s.orderLatency.p99,
        s.cpuMsPerOrder,
      ]),
    ),
    `highest sustained rate: ${ramp.highestSustainedRate === null ? 'none of the steps' : `${ramp.highestSustainedRate} orders/s`}`,
    '',
    table(
      ['stage vs its baseline', 'baseline/s', 'at fixed rate/s', 'ratio', 'at best step/s', 'ratio'],
      stageRatios(result).map((r) => [r.stage, r.baseline, r.atFixedRate, r.atFixedRate / r.baseline, r.atBestStep, r.atBestStep / r.baseline]),
    ),
    '',
    table(
      ['dispatcher only', 'webhooks', 'delivery rows/s', 'webhooks/s', 'raw client POST/s', 'ratio'],
      [
        [
          `${result.dispatcherOnly.events} events × ${result.dispatcherOnly.endpoints} instant endpoints`,
          result.dispatcherOnly.webhooks,
          result.dispatcherOnly.deliveryRowsPerSecond,
          result.dispatcherOnly.webhooksPerSecond,
          result.baselines.instantHttpPostsPerSecond,
          result.dispatcherOnly.webhooksPerSecond / result.baselines.instantHttpPostsPerSecond,
        ],
      ],
    ),
    '',
    table(
      ['process (dispatcher only)', 'CPU µs per webhook'],
      [...Object.entries(result.dispatcherOnly.cpuMsPerWebhook).map(([name, ms]) => [name, ms * 1000]), ['ALL OF THE ABOVE', sum(Object.values(result.dispatcherOnly.cpuMsPerWebhook)) * 1000]],
    ),
    '',
    ...(result.perInstance?.length
      ? [
          table(
            ['instance (fixed-rate phase)', 'stage', 'count', 'per second'],
            result.perInstance.map((i) => [`${i.app} #${i.instance}`, i.stage, i.count, i.perSecond]),
          ),
          '',
        ]
      : []),
    table(['process', 'CPU ms per order', 'idle CPU %'], [
      ...cpu.map(([name, ms]) => [name, ms, efficiency.idleCpuPercent[name] ?? '']),
      ['ALL OF THE ABOVE', sum(cpu.map(([, ms]) => ms)), ''],
      // What the CPU target is about: the system under test, without the bench that loads it.
      ['PAYHOOK (all but the load generator)', sum(cpu.filter(([name]) => name !== LOAD_GENERATOR).map(([, ms]) => ms)), ''],
    ]),
    `database commits per order (all three databases, without the bench's readings): ${efficiency.commitsPerOrder.toFixed(2)}`,
    '',
    formatLedger('correctness ledger', result.ledger),
    result.valid ? 'ledger: nothing lost, nothing applied twice — the figures stand' : 'ledger: SOMETHING WAS LOST OR APPLIED TWICE — THIS RUN IS VOID',
  ].join('\n');
}
