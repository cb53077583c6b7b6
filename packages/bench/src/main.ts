import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { cpus, totalmem } from 'node:os';
import {
  cleanUpRun,
  collectLedger,
  DEFAULT_DATABASE_URL,
  duplicateEffects,
  ensureKafka,
  formatLedger,
  lost,
  newRunId,
  repoRoot,
  TestStack,
  waitFor,
  withAdminClient,
  type AppName,
} from '@payhook/testkit';
import { httpBaseline } from './baselines/http';
import { kafkaBaseline } from './baselines/kafka';
import { postgresBaseline } from './baselines/postgres';
import { postJson, runOpenLoop } from './load/open-loop';
import { rampRates, sustained, type RampStep } from './load/ramp';
import { sampleBacklog, type Backlog } from './measure/backlog';
import { committedTransactions } from './measure/commits';
import { cpuMs, cpuMsBetween, cpuMsByPid } from './measure/cpu';
import { followEvents, hopReport, HOPS } from './measure/hops';
import { latencyCells, LATENCY_HEADERS, table } from './report/table';
import { benchSettings } from './settings';
import { summarize } from './stats/summary';

const APPS: AppName[] = ['payment-service', 'webhook-dispatcher', 'order-service'];
const say = (line: string) => process.stdout.write(`[bench] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const total = (backlog: Backlog) => Object.values(backlog).reduce((sum, n) => sum + n, 0);
// A paid order has two events and two webhooks: payment.created and payment.succeeded.
const EVENTS_PER_ORDER = 2;

async function main(): Promise<void> {
  const settings = benchSettings(process.env, process.argv.slice(2));
  const runId = `b${newRunId().slice(1)}`;
  process.env.PAYHOOK_TEST_RUN_ID = runId;
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  process.env.DATABASE_URL = databaseUrl;
  const kafka = await ensureKafka();
  process.env.KAFKA_BROKERS = kafka.brokers;
  say(`run ${runId}: Kafka ${kafka.brokers}, Postgres ${databaseUrl}; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`);

  const stack = new TestStack({
    label: 'bench',
    basePort: 13801,
    env: { KAFKA_BROKERS: kafka.brokers, PAYMENT_PROCESSING_DELAY_MS: '0', LOG_LEVEL: 'warn' },
  });
  const cleanUp = async () => {
    await stack.stop();
    await cleanUpRun(runId, databaseUrl, kafka.brokers).catch(() => undefined);
  };
  process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

  try {
    await stack.start();
    await waitFor(async () => (await stack.query('order-service', 'SELECT 1 FROM webhook_registration')).length === 1, {
      timeoutMs: 30_000,
      description: 'order-service to register its webhook endpoint',
    });
    const databases = [stack.env.PAYMENT_DATABASE_NAME, stack.env.DISPATCHER_DATABASE_NAME, stack.env.ORDER_DATABASE_NAME];
    const pids = Object.fromEntries(APPS.map((app) => [app, stack.apps[app].pid as number])) as Record<AppName, number>;
    const cpuNow = () => Object.fromEntries(APPS.map((app) => [app, cpuMs(pids[app])])) as Record<AppName, number>;

    // 1. Baselines: the same machine's own limits, measured while the stack is idle.
    say('baselines: Kafka produce+consume, Postgres single-row commits, HTTP POSTs…');
    const baselineDb = `payhook_${runId}_baseline`;
    await withAdminClient(databaseUrl, (c) => c.query(`CREATE DATABASE "${baselineDb}"`));
    const dbUrl = new URL(databaseUrl);
    dbUrl.pathname = `/${baselineDb}`;
    const baselines = {
      kafkaMessagesPerSecond: await kafkaBaseline({
        brokers: kafka.brokers,
        topic: `bench.baseline.${runId}`,
        messages: settings.kafkaBaselineMessages,
        batchSize: 500,
      }),
      postgresCommitsPerSecond: await postgresBaseline({ databaseUrl: dbUrl.toString(), poolSize: 10, seconds: settings.baselineSeconds }),
      httpPostsPerSecond: await httpBaseline({ url: `${stack.urls['order-service']}/webhooks/payments`, concurrency: 8, seconds: settings.baselineSeconds }),
    };
    say(
      `baselines: Kafka ${Math.round(baselines.kafkaMessagesPerSecond)} msg/s, Postgres ${Math.round(baselines.postgresCommitsPerSecond)} commits/s, ` +
        `HTTP ${Math.round(baselines.httpPostsPerSecond)} POST/s`,
    );

    // 2. Warm-up, then idle CPU, then the fixed-rate phase, open loop.
    const expected = new Map<string, string>();
    const scheduled = new Map<string, number>();
    let placementFailures = 0;
    const refusals: Record<number, number> = {}; // by HTTP status, 0 = no answer
    let sequence = 0;
    let inFlight = 0;
    const paid = async () => Number((await stack.query<{ n: string }>('order-service', `SELECT count(*) AS n FROM orders WHERE status = 'paid'`))[0].n);
    const allPaid = async () => (await paid()) === expected.size;
    // Orders of the current phase (the fixed rate, then each ramp step), for its latencies.
    let phase = new Map<string, number>();
    const placeOrder = async (scheduledAt: number) => {
      const key = `bench-${runId}-${sequence++}`;
      const order = { items: [{ sku: 'bench', quantity: 1, unitPrice: 1000 + (sequence % 500) }], currency: 'EUR', paymentMethod: '4242424242424242' };
      inFlight += 1;
      // Like a careful client: a connection lost before the answer (a keep-alive socket the
      // server was closing, say) is retried with the same Idempotency-Key, so it orders once.
      let answer = await postJson(`${stack.urls['order-service']}/v1/orders`, order, { 'idempotency-key': key });
      for (let retry = 0; answer.status === 0 && retry < 3; retry++) {
        answer = await postJson(`${stack.urls['order-service']}/v1/orders`, order, { 'idempotency-key': key });
      }
      inFlight -= 1;
      if (answer.status !== 201) {
        placementFailures += 1;
        refusals[answer.status] = (refusals[answer.status] ?? 0) + 1;
        return false;
      }
      const id = JSON.parse(answer.body).id as string;
      expected.set(id, 'paid');
      scheduled.set(id, scheduledAt);
      phase.set(id, scheduledAt);
      return true;
    };
    const progress = async (label: string) => {
      const backlog = await sampleBacklog(stack);
      say(`${label}: accepted ${expected.size}, awaiting an answer ${inFlight}, paid ${await paid()}, backlog ${JSON.stringify(backlog)}`);
    };

    say(`warm-up: ${settings.rampStart} orders/s for ${settings.warmupSeconds} s (not measured)…`);
    await runOpenLoop({ rate: settings.rampStart, seconds: settings.warmupSeconds, fire: (_i, scheduledAt) => placeOrder(scheduledAt) });
    await waitFor(allPaid, { timeoutMs: 120_000, intervalMs: 250, description: 'the warm-up orders to be paid' });
    scheduled.clear();
    const fixedStart = expected.size;

    // Idle CPU of each app, warmed up and at rest.
    say(`idle CPU: watching the apps do nothing for ${settings.idleSeconds} s…`);
    await sleep(2000);
    const idleBefore = cpuNow();
    await sleep(settings.idleSeconds * 1000);
    const idleAfter = cpuNow();
    const idleCpuPercent = Object.fromEntries(APPS.map((app) => [app, ((idleAfter[app] - idleBefore[app]) / (settings.idleSeconds * 1000)) * 100]));

    const commitsBefore = await committedTransactions(databases);
    const cpuBefore = cpuNow();
    // The rest of the machine's work per order: the broker, every Postgres process, this load generator.
    const sharedBefore = { kafka: cpuMsByPid('kafka.Kafka'), postgres: cpuMsByPid('postgres: '), bench: process.cpuUsage() };
    say(`fixed rate: ${settings.rate} orders/s for ${settings.seconds} s (open loop)…`);
    let tick = 0;
    const fixed = await runOpenLoop({
      rate: settings.rate,
      seconds: settings.seconds,
      fire: (_i, scheduledAt) => placeOrder(scheduledAt),
      onSecond: () => void progress(`  ${++tick}s`).catch(() => undefined),
    });
    await waitFor(allPaid, {
      timeoutMs: 600_000,
      intervalMs: 250,
      description: `the ${expected.size} orders of the fixed-rate phase to be paid`,
    });
    const cpuAfter = cpuNow();
    const benchCpu = process.cpuUsage(sharedBefore.bench);
    const sharedCpuPerOrder = {
      'Kafka broker': cpuMsBetween(sharedBefore.kafka, cpuMsByPid('kafka.Kafka')),
      'Postgres (all processes)': cpuMsBetween(sharedBefore.postgres, cpuMsByPid('postgres: ')),
      'load generator (bench)': (benchCpu.user + benchCpu.system) / 1000,
    };
    const fixedOrders = expected.size - fixedStart;
    await sleep(settings.smoke ? 1000 : 11_000); // let every backend flush its commit counts
    const commitsPerOrder = ((await committedTransactions(databases)) - commitsBefore) / Math.max(fixedOrders, 1);
    const cpuPerOrder = Object.fromEntries(APPS.map((app) => [app, (cpuAfter[app] - cpuBefore[app]) / Math.max(fixedOrders, 1)]));
    for (const [name, ms] of Object.entries(sharedCpuPerOrder)) sharedCpuPerOrder[name as keyof typeof sharedCpuPerOrder] = ms / Math.max(fixedOrders, 1);
    const fixedHops = hopReport(await followEvents(stack, scheduled));
    const placementLatency = summarize(fixed.latenciesMs);

    // 4. Ramp: raise the rate step by step until a stage falls behind.
    const steps: Array<RampStep & { sustained: boolean; backlog: Backlog; orders: Map<string, number> }> = [];
    for (const rate of rampRates(settings.rampStart, settings.rampStep, settings.rampMax)) {
      const acceptedBefore = expected.size;
      phase = new Map();
      const settledBefore = await paid();
      const started = Date.now();
      let backlogEarly = 0;
      let second = 0;
      const run = await runOpenLoop({
        rate,
        seconds: settings.rampStepSeconds,
        fire: (_i, scheduledAt) => placeOrder(scheduledAt),
        onSecond: () => {
          if (++second === 1) void sampleBacklog(stack).then((b) => (backlogEarly = total(b) + inFlight));
        },
      });
      const elapsed = (Date.now() - started) / 1000;
      const backlog = await sampleBacklog(stack);
      const settledAfter = await paid();
      const step: RampStep = {
        targetRate: rate,
        acceptedRate: (expected.size - acceptedBefore) / settings.rampStepSeconds,
        settledRate: (settledAfter - settledBefore) / elapsed,
        backlogEarly,
        backlogEnd: total(backlog) + inFlight,
      };
      const ok = sustained(step) && run.accepted === run.scheduled;
      steps.push({ ...step, sustained: ok, backlog, orders: phase });
      say(
        `ramp ${rate}/s: accepted ${step.acceptedRate.toFixed(0)}/s, settled ${step.settledRate.toFixed(0)}/s, ` +
          `backlog ${backlogEarly} → ${step.backlogEnd} ${ok ? 'sustained' : 'NOT sustained'}`,
      );
      if (!ok) break;
      // Let the pipeline empty so each step starts from rest.
      await waitFor(allPaid, { timeoutMs: 120_000, intervalMs: 250, description: 'the ramp step to drain' });
    }
    say('draining…');
    await waitFor(allPaid, {
      timeoutMs: 300_000,
      intervalMs: 500,
      description: `all ${expected.size} orders to be paid`,
    }).catch(() => undefined); // the ledger says what is missing
    const best = [...steps].reverse().find((s) => s.sustained);
    const stepLatency = await Promise.all(steps.map(async (step) => hopReport(await followEvents(stack, step.orders))));

    // 5. The correctness ledger over every order of the run.
    const ledger = await collectLedger(stack, { expected, placementFailures });
    const valid = lost(ledger) === 0 && duplicateEffects(ledger) === 0;

    // 6. Report.
    const hopsTable = table(
      ['hop', ...LATENCY_HEADERS],
      [
        ...HOPS.map((hop) => [hop, ...latencyCells(fixedHops.hops[hop])]),
        ['END TO END: payment event commit → order commit', ...latencyCells(fixedHops.endToEnd)],
        ['order scheduled → order committed (open loop)', ...latencyCells(fixedHops.orderLatency)],
        ['POST /v1/orders answered (from scheduled time)', ...latencyCells(placementLatency)],
      ],
    );
    const ratios = [
      // Each stage's load in its baseline's unit: events through Kafka, commits, webhook POSTs.
      ['Kafka: events published+consumed', baselines.kafkaMessagesPerSecond, fixedHops.stageRates['published to Kafka'] * EVENTS_PER_ORDER, best ? best.settledRate * EVENTS_PER_ORDER : NaN],
      ['Postgres: commits (3 databases)', baselines.postgresCommitsPerSecond, fixedHops.stageRates['orders committed'] * commitsPerOrder, best ? best.settledRate * commitsPerOrder : NaN],
      ['HTTP: webhook POSTs', baselines.httpPostsPerSecond, fixedHops.stageRates['webhooks received'] * EVENTS_PER_ORDER, best ? best.settledRate * EVENTS_PER_ORDER : NaN],
    ].map(([label, baseline, atFixed, atBest]) => [label as string, baseline as number, atFixed as number, (atFixed as number) / (baseline as number), atBest as number, (atBest as number) / (baseline as number)]);
    const output = [
      '',
      `fixed rate ${settings.rate} orders/s for ${settings.seconds} s: ${fixed.accepted} accepted, ${fixed.failed} refused` +
        (placementFailures ? ` (whole run, refused by status: ${JSON.stringify(refusals)})` : ''),
      hopsTable,
      '',
      table(['stage (fixed-rate phase)', 'events/s'], Object.entries(fixedHops.stageRates).map(([stage, rate]) => [stage, rate])),
      '',
      table(
        ['ramp step (orders/s)', 'accepted/s', 'settled/s', 'backlog early', 'backlog end', 'sustained', 'e2e p50 ms', 'e2e p99 ms', 'order p50 ms', 'order p99 ms'],
        steps.map((s, i) => [
          String(s.targetRate),
          s.acceptedRate,
          s.settledRate,
          s.backlogEarly,
          s.backlogEnd,
          s.sustained ? 'yes' : 'NO',
          stepLatency[i].endToEnd.p50,
          stepLatency[i].endToEnd.p99,
          stepLatency[i].orderLatency.p50,
          stepLatency[i].orderLatency.p99,
        ]),
      ),
      `highest sustained rate: ${best ? `${best.targetRate} orders/s` : 'none of the steps'}`,
      '',
      table(['stage vs its baseline', 'baseline/s', 'at fixed rate/s', 'ratio', 'at best step/s', 'ratio'], ratios),
      '',
      table(
        ['app', 'CPU ms per order', 'idle CPU %'],
        [
          ...APPS.map((app): Array<string | number> => [app, cpuPerOrder[app], idleCpuPercent[app]]),
          ...Object.entries(sharedCpuPerOrder).map(([name, ms]): Array<string | number> => [name, ms, '']),
          ['ALL OF THE ABOVE', [...Object.values(cpuPerOrder), ...Object.values(sharedCpuPerOrder)].reduce((a, b) => a + b, 0), ''],
        ],
      ),
      `database commits per order (all three databases): ${commitsPerOrder.toFixed(2)}`,
      '',
      formatLedger('correctness ledger', ledger),
      valid ? 'ledger: nothing lost, nothing applied twice — the figures stand' : 'ledger: SOMETHING WAS LOST OR APPLIED TWICE — THIS RUN IS VOID',
    ].join('\n');
    process.stdout.write(`${output}\n`);

    const result = {
      runAt: new Date().toISOString(),
      machine: { cores: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      settings,
      baselines,
      fixedRate: { offered: settings.rate, seconds: settings.seconds, accepted: fixed.accepted, refused: fixed.failed, placementLatency, ...fixedHops },
      ramp: {
        steps: steps.map(({ orders: _orders, ...step }, i) => ({ ...step, endToEnd: stepLatency[i].endToEnd, orderLatency: stepLatency[i].orderLatency, hops: stepLatency[i].hops })),
        highestSustainedRate: best?.targetRate ?? null,
      },
      efficiency: { cpuMsPerOrder: { ...cpuPerOrder, ...sharedCpuPerOrder }, idleCpuPercent, commitsPerOrder },
      refusals,
      ledger,
      valid,
    };
    const file = resolve(repoRoot(), settings.output);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    say(`result written to ${settings.output}`);
    process.exitCode = valid ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
