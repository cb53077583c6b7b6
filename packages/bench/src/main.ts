import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { cpus, totalmem } from 'node:os';
import {
  cleanUpRun,
  collectLedger,
  DEFAULT_DATABASE_URL,
  ensureKafka,
  newRunId,
  repoRoot,
  testDatabaseUrl,
  TestStack,
  waitFor,
  withAdminClient,
  type AppName,
} from '@payhook/testkit';
import { configSchema as dispatcherConfig } from '@payhook/webhook-dispatcher/config';
import { httpBaseline } from './baselines/http';
import { kafkaBaseline } from './baselines/kafka';
import { postgresBaseline } from './baselines/postgres';
import { runDispatcherOnly, startInstantReceiver } from './load/dispatcher-only';
import { extraInstances, instanceUrl, stageCount, STAGE_COUNTERS, startBalancer } from './load/instances';
import { postJson, runOpenLoop } from './load/open-loop';
import { backlogGrowthPerSecond, rampRates, sustained, type BacklogReading, type RampStep } from './load/ramp';
import { BacklogReader, type Backlog } from './measure/backlog';
import { Probes } from './measure/probes';
import { committedTransactions } from './measure/commits';
import { cpuMs, cpuMsBetween, cpuMsByPid, setApart } from './measure/cpu';
import { followEvents, hopReport } from './measure/hops';
import { formatReport, isValid, LOAD_GENERATOR, POSTGRES, type BenchResult, type RampStepResult } from './report/bench-report';
import { benchSettings } from './settings';
import { sum, summarize } from './stats/summary';

const APPS: AppName[] = ['payment-service', 'webhook-dispatcher', 'order-service'];
const say = (line: string) => process.stdout.write(`[bench] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** POSTs the dispatcher keeps in flight to `endpoints` endpoints, by its settings (the environment's, or their defaults). */
const dispatcherInFlight = (endpoints: number) =>
  Math.min(endpoints * dispatcherConfig.shape.WEBHOOK_ENDPOINT_CONCURRENCY.parse(process.env.WEBHOOK_ENDPOINT_CONCURRENCY), dispatcherConfig.shape.WEBHOOK_CONCURRENCY.parse(process.env.WEBHOOK_CONCURRENCY));
const perUnit = (spent: Record<string, number>, units: number) => Object.fromEntries(Object.entries(spent).map(([name, ms]) => [name, ms / Math.max(units, 1)]));

async function main(): Promise<void> {
  const settings = benchSettings(process.env, process.argv.slice(2));
  const runId = `b${newRunId().slice(1)}`;
  process.env.PAYHOOK_TEST_RUN_ID = runId;
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  process.env.DATABASE_URL = databaseUrl;
  const kafka = await ensureKafka();
  process.env.KAFKA_BROKERS = kafka.brokers;
  say(`run ${runId}: Kafka ${kafka.brokers}, Postgres ${databaseUrl}; ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`);

  // Several instances of each app share Kafka and Postgres; orders, payment requests and
  // webhooks reach them through round-robin balancers, as behind a load balancer.
  const basePort = 13801;
  const instances = Array.from({ length: settings.instances }, (_, i) => i);
  const balancers =
    settings.instances > 1
      ? {
          payments: await startBalancer(instances.map((i) => instanceUrl(`http://127.0.0.1:${basePort}`, i))),
          orders: await startBalancer(instances.map((i) => instanceUrl(`http://127.0.0.1:${basePort + 2}`, i))),
        }
      : undefined;
  const stack = new TestStack({
    label: 'bench',
    basePort,
    env: {
      KAFKA_BROKERS: kafka.brokers,
      PAYMENT_PROCESSING_DELAY_MS: '0',
      LOG_LEVEL: 'warn',
      ...(balancers && { PAYMENT_SERVICE_URL: balancers.payments.url, ORDER_WEBHOOK_URL: `${balancers.orders.url}/webhooks/payments` }),
    },
  });
  const extra = extraInstances(stack.env, stack.urls, settings.instances);
  const probes = new Probes(stack);
  const backlogs = new BacklogReader(probes);
  const ordersUrl = balancers?.orders.url ?? stack.urls['order-service'];
  const receiver = await startInstantReceiver();
  const cleanUp = async () => {
    receiver.server.close();
    receiver.server.closeAllConnections();
    await Promise.allSettled(extra.map((e) => e.process.stop()));
    await Promise.allSettled([balancers?.payments.close(), balancers?.orders.close()]);
    await probes.close();
    await stack.stop();
    await cleanUpRun(runId, databaseUrl, kafka.brokers).catch(() => undefined);
  };
  // Ctrl-C, or a runner's timeout: the apps, the receiver and the run's databases go with the bench.
  process.once('SIGINT', () => void cleanUp().finally(() => process.exit(130)));
  process.once('SIGTERM', () => void cleanUp().finally(() => process.exit(143)));

  try {
    await stack.start();
    for (const { process: instance } of extra) await instance.start();
    if (settings.instances > 1) say(`${settings.instances} instances of each app; orders and payment requests through balancers ${ordersUrl}, ${balancers?.payments.url}`);
    await waitFor(async () => (await stack.query('order-service', 'SELECT 1 FROM webhook_registration')).length === 1, {
      timeoutMs: 30_000,
      description: 'order-service to register its webhook endpoint',
    });
    const databases = [stack.env.PAYMENT_DATABASE_NAME, stack.env.DISPATCHER_DATABASE_NAME, stack.env.ORDER_DATABASE_NAME];
    // Each app's CPU is the sum over its instances.
    const pids = Object.fromEntries(APPS.map((app) => [app, [stack.apps[app].pid as number, ...extra.filter((e) => e.app === app).map((e) => e.process.pid as number)]])) as Record<AppName, number[]>;
    const cpuNow = () => Object.fromEntries(APPS.map((app) => [app, sum(pids[app].map((pid) => cpuMs(pid)))])) as Record<AppName, number>;
    // Postgres's processes, those that serve the bench's own readings apart: their work is the load generator's.
    const postgresCpu = () => {
      const { apart: readings, rest: payhook } = setApart(cpuMsByPid('postgres: '), probes.backendPids);
      return { payhook, readings };
    };
    // The apps, and the rest of the machine's work: the broker, Postgres, this load generator.
    const cpuReading = () => ({ apps: cpuNow(), kafka: cpuMsByPid('kafka.Kafka'), postgres: postgresCpu(), bench: process.cpuUsage() });
    /** CPU ms each process spent since `before`. */
    const cpuSince = (before: ReturnType<typeof cpuReading>): Record<string, number> => {
      const apps = cpuNow();
      const bench = process.cpuUsage(before.bench);
      const postgres = postgresCpu();
      return {
        ...Object.fromEntries(APPS.map((app) => [app, apps[app] - before.apps[app]])),
        'Kafka broker': cpuMsBetween(before.kafka, cpuMsByPid('kafka.Kafka')),
        [POSTGRES]: cpuMsBetween(before.postgres.payhook, postgres.payhook),
        [LOAD_GENERATOR]: (bench.user + bench.system) / 1000 + cpuMsBetween(before.postgres.readings, postgres.readings),
      };
    };
    const instanceCounts = () =>
      Promise.all(APPS.flatMap((app) => instances.map(async (index) => ({ app, instance: index + 1, count: await stageCount(instanceUrl(stack.urls[app], index), app) }))));

    // 1. Baselines: the same machine's own limits, measured while the stack is idle.
    say('baselines: Kafka produce+consume, Postgres single-row commits, HTTP POSTs…');
    const baselineDb = `payhook_${runId}_baseline`;
    await withAdminClient(databaseUrl, (c) => c.query(`CREATE DATABASE "${baselineDb}"`));
    const baselines = {
      kafkaMessagesPerSecond: await kafkaBaseline({
        brokers: kafka.brokers,
        topic: `bench.baseline.${runId}`,
        messages: settings.kafkaBaselineMessages,
        batchSize: 500,
      }),
      postgresCommitsPerSecond: await postgresBaseline({ databaseUrl: testDatabaseUrl(baselineDb, databaseUrl), poolSize: 10, seconds: settings.baselineSeconds }),
      httpPostsPerSecond: await httpBaseline({ url: `${stack.urls['order-service']}/webhooks/payments`, concurrency: 8, seconds: settings.baselineSeconds }),
    };
    say(
      `baselines: Kafka ${Math.round(baselines.kafkaMessagesPerSecond)} msg/s, Postgres ${Math.round(baselines.postgresCommitsPerSecond)} commits/s, ` +
        `HTTP ${Math.round(baselines.httpPostsPerSecond)} POST/s to order-service`,
    );

    // 2. Warm-up, then idle CPU, then the fixed-rate phase, open loop.
    const expected = new Map<string, string>();
    let placementFailures = 0;
    const refusals: Record<number, number> = {}; // by HTTP status, 0 = no answer
    let sequence = 0;
    let inFlight = 0;
    // Counted as placed minus not paid: the statuses other than paid are few rows of an
    // index, where counting the paid ones reads every order.
    const paid = async () =>
      expected.size -
      (await probes.count('order-service', `SELECT count(*) AS n FROM orders WHERE status IN ('pending_payment', 'payment_failed', 'partially_refunded', 'refunded', 'canceled')`));
    const allPaid = async () => (await paid()) === expected.size;
    // Orders of the current phase (the fixed rate, then each ramp step), for its latencies.
    let phase = new Map<string, number>();
    const placeOrder = async (scheduledAt: number) => {
      const key = `bench-${runId}-${sequence++}`;
      const order = { items: [{ sku: 'bench', quantity: 1, unitPrice: 1000 + (sequence % 500) }], currency: 'EUR', paymentMethod: '4242424242424242' };
      inFlight += 1;
      // Like a careful client: a connection lost before the answer (a keep-alive socket the
      // server was closing, say) is retried with the same Idempotency-Key, so it orders once.
      let answer = await postJson(`${ordersUrl}/v1/orders`, order, { 'idempotency-key': key });
      for (let retry = 0; answer.status === 0 && retry < 3; retry++) {
        answer = await postJson(`${ordersUrl}/v1/orders`, order, { 'idempotency-key': key });
      }
      inFlight -= 1;
      if (answer.status !== 201) {
        placementFailures += 1;
        refusals[answer.status] = (refusals[answer.status] ?? 0) + 1;
        return false;
      }
      const id = JSON.parse(answer.body).id as string;
      expected.set(id, 'paid');
      phase.set(id, scheduledAt);
      return true;
    };
    const progress = async (label: string) => {
      const backlog = await backlogs.read();
      say(`${label}: accepted ${expected.size}, awaiting an answer ${inFlight}, paid ${await paid()}, backlog ${JSON.stringify(backlog)}`);
    };

    say(`warm-up: ${settings.rampStart} orders/s for ${settings.warmupSeconds} s (not measured)…`);
    await runOpenLoop({ rate: settings.rampStart, seconds: settings.warmupSeconds, fire: (_i, scheduledAt) => placeOrder(scheduledAt) });
    await waitFor(allPaid, { timeoutMs: 120_000, intervalMs: 250, description: 'the warm-up orders to be paid' });
    await backlogs.markAtRest();

    // Idle CPU of each app, warmed up and at rest.
    say(`idle CPU: watching the apps do nothing for ${settings.idleSeconds} s…`);
    await sleep(2000);
    const idleBefore = cpuNow();
    await sleep(settings.idleSeconds * 1000);
    const idleAfter = cpuNow();
    const idleCpuPercent = Object.fromEntries(APPS.map((app) => [app, ((idleAfter[app] - idleBefore[app]) / (settings.idleSeconds * 1000)) * 100]));

    const commitsBefore = await committedTransactions(databases);
    const readingsBefore = probes.readings;
    const cpuBefore = cpuReading();
    const countsBefore = settings.instances > 1 ? await instanceCounts() : [];
    const fixedStarted = Date.now();
    say(`fixed rate: ${settings.rate} orders/s for ${settings.seconds} s (open loop)…`);
    phase = new Map();
    const fixedPhase = phase;
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
    const cpuSpent = cpuSince(cpuBefore);
    const fixedSeconds = (Date.now() - fixedStarted) / 1000;
    const perInstance = (settings.instances > 1 ? await instanceCounts() : []).map(({ app, instance, count }) => {
      const done = count - (countsBefore.find((b) => b.app === app && b.instance === instance)?.count ?? 0);
      return { app, instance, stage: STAGE_COUNTERS[app].stage, count: done, perSecond: done / fixedSeconds };
    });
    const orders = Math.max(fixedPhase.size, 1);
    const cpuMsPerOrder = perUnit(cpuSpent, orders);
    await sleep(settings.smoke ? 1000 : 11_000); // let every backend flush its commit counts
    // Payhook's commits: the bench's own readings of its databases are left out, as its CPU is.
    const commitsPerOrder = ((await committedTransactions(databases)) - commitsBefore - (probes.readings - readingsBefore)) / orders;
    const fixedHops = hopReport(await followEvents(stack, fixedPhase));

    // 3. Ramp: raise the rate step by step until a stage falls behind.
    type Step = RampStep & { sustained: boolean; tries: number; backlog: Backlog; cpuMsPerOrder: number; orders: Map<string, number> };
    const steps: Step[] = [];
    const runStep = async (rate: number, tries: number): Promise<Step> => {
      const acceptedBefore = expected.size;
      phase = new Map();
      const settledBefore = await paid();
      const cpuBefore = cpuReading();
      const started = Date.now();
      const sinceStart = () => (Date.now() - started) / 1000;
      // A reading of the backlog every second from a second in: the verdict follows its trend
      // (a reading that fails is left out).
      const readings: Array<Promise<BacklogReading | undefined>> = [];
      const readBacklog = () => {
        const atSeconds = sinceStart();
        const answering = inFlight;
        readings.push(
          backlogs.read().then(
            (b) => ({ atSeconds, backlog: sum(Object.values(b)) + answering }),
            () => undefined,
          ),
        );
      };
      const run = await runOpenLoop({
        rate,
        seconds: settings.rampStepSeconds,
        fire: (_i, scheduledAt) => placeOrder(scheduledAt),
        onSecond: readBacklog,
      });
      const elapsed = sinceStart();
      const backlog = await backlogs.read();
      const settledAfter = await paid();
      // Payhook's CPU over the step (without the load generator's), per order settled in it.
      const { [LOAD_GENERATOR]: _bench, ...spent } = cpuSince(cpuBefore);
      const cpuMsPerOrder = sum(Object.values(spent)) / Math.max(settledAfter - settledBefore, 1);
      const backlogReadings = [...(await Promise.all(readings)).filter((r) => r !== undefined), { atSeconds: elapsed, backlog: sum(Object.values(backlog)) + inFlight }];
      const step: RampStep = {
        targetRate: rate,
        acceptedRate: (expected.size - acceptedBefore) / settings.rampStepSeconds,
        settledRate: (settledAfter - settledBefore) / elapsed,
        backlogReadings,
      };
      const ok = sustained(step) && run.accepted === run.scheduled;
      say(
        `ramp ${rate}/s${tries > 1 ? ' (again)' : ''}: accepted ${step.acceptedRate.toFixed(0)}/s, settled ${step.settledRate.toFixed(0)}/s, ` +
          `backlog ${backlogReadings.map((r) => r.backlog).join(' → ')} (${backlogGrowthPerSecond(backlogReadings).toFixed(1)}/s) ${ok ? 'sustained' : 'NOT sustained'}`,
      );
      return { ...step, sustained: ok, tries, backlog, cpuMsPerOrder, orders: phase };
    };
    // Let the pipeline empty so each step starts from rest.
    const rest = async () => {
      await waitFor(allPaid, { timeoutMs: 120_000, intervalMs: 250, description: 'the ramp step to drain' });
      await backlogs.markAtRest();
    };
    await backlogs.markAtRest();
    for (const rate of rampRates(settings.rampStart, settings.rampStep, settings.rampMax)) {
      let step = await runStep(rate, 1);
      // Near the limit one slow second (a checkpoint, a collection) can tip a step: a
      // failure counts only when the same rate fails again from rest.
      if (!step.sustained) {
        await rest();
        step = await runStep(rate, 2);
      }
      steps.push(step);
      if (!step.sustained) break;
      await rest();
    }
    say('draining…');
    // Paid is not the end: a payment.created webhook that beat its payment id (409, retried
    // after the schedule's first wait) may still be on its way, and the ledger counts it.
    const drained = async () =>
      (await allPaid()) && (await stack.count('webhook-dispatcher', `SELECT count(*) AS n FROM deliveries WHERE status IN ('pending', 'held')`)) === 0;
    await waitFor(drained, {
      timeoutMs: 300_000,
      intervalMs: 500,
      description: `all ${expected.size} orders to be paid and every webhook delivered`,
    }).catch(() => undefined); // the ledger says what is missing
    // 4. The dispatcher alone, the pipeline at rest: events already on its topic, receivers that answer at once.
    // Its baseline, the same client against the same receiver as many at a time, is taken
    // just before it, so a machine whose speed drifts over the run moves both alike; the
    // best of three tries, since a slow moment (a collection, a neighbour) only lowers one.
    let rawClient = 0;
    for (let i = 0; i < 3; i++) {
      rawClient = Math.max(rawClient, await httpBaseline({ url: receiver.url, concurrency: dispatcherInFlight(settings.dispatcherEndpoints), seconds: settings.baselineSeconds }));
    }
    say(`dispatcher only: baseline ${Math.round(rawClient)} POST/s from the raw client to an instant receiver; ${settings.dispatcherEvents} events to ${settings.dispatcherEndpoints} instant endpoints…`);
    const dispatcherCpuBefore = cpuReading();
    const delivered = await runDispatcherOnly(stack, probes, {
      brokers: kafka.brokers,
      receiverUrl: receiver.url,
      events: settings.dispatcherEvents,
      endpoints: settings.dispatcherEndpoints,
    });
    // The bench's share here is the producer and the instant receiver.
    const dispatcherOnly = { ...delivered, cpuMsPerWebhook: perUnit(cpuSince(dispatcherCpuBefore), delivered.webhooks) };
    say(`dispatcher only: ${Math.round(dispatcherOnly.webhooksPerSecond)} webhooks/s delivered`);
    // One reading of the three databases for every step: a reading per step, all at once, ran
    // Postgres out of connections on a long ramp.
    const rampJourneys = await followEvents(stack, new Map(steps.flatMap((s) => [...s.orders])));
    const rampSteps: RampStepResult[] = steps.map(({ orders: stepOrders, ...step }) => ({
      ...step,
      ...hopReport(rampJourneys.filter((journey) => stepOrders.has(journey.orderId))),
    }));

    // 5. The correctness ledger over every order of the run, and the report.
    const ledger = await collectLedger(stack, { expected, placementFailures });
    const result: BenchResult = {
      runAt: new Date().toISOString(),
      machine: { cores: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      settings,
      // The raw client against the instant receiver was measured before the dispatcher-only phase.
      baselines: { ...baselines, instantHttpPostsPerSecond: rawClient },
      fixedRate: {
        offered: settings.rate,
        seconds: settings.seconds,
        accepted: fixed.accepted,
        refused: fixed.failed,
        placementLatency: summarize(fixed.latenciesMs),
        ...fixedHops,
      },
      ramp: { steps: rampSteps, highestSustainedRate: [...steps].reverse().find((s) => s.sustained)?.targetRate ?? null },
      dispatcherOnly,
      efficiency: { cpuMsPerOrder, idleCpuPercent, commitsPerOrder },
      perInstance,
      refusals,
      ledger,
      valid: isValid(ledger),
    };
    process.stdout.write(`${formatReport(result)}\n`);
    const file = resolve(repoRoot(), settings.output);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    say(`result written to ${settings.output}`);
    process.exitCode = result.valid ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
