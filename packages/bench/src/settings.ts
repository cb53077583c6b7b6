/** What a bench run does; every figure can be set from the environment (BENCH_*). */
export interface BenchSettings {
  /** Orders per second of the fixed-rate phase. */
  rate: number;
  /** Length of the fixed-rate phase. */
  seconds: number;
  rampStart: number;
  rampStep: number;
  rampMax: number;
  rampStepSeconds: number;
  /** Load at the ramp's first rate before anything is measured, so the JIT has warmed up. */
  warmupSeconds: number;
  /** How long the apps are watched doing nothing, for their idle CPU. */
  idleSeconds: number;
  baselineSeconds: number;
  kafkaBaselineMessages: number;
  /** The dispatcher-only phase: events put on its topic, each delivered to this many instant endpoints. */
  dispatcherEvents: number;
  dispatcherEndpoints: number;
  /** Instances of each app (1–4); from 2, orders and payment requests go through a round-robin balancer. */
  instances: number;
  /** Where the JSON result goes. */
  output: string;
  smoke: boolean;
}

const DEFAULTS = {
  rate: 200,
  seconds: 20,
  rampStart: 25,
  rampStep: 25,
  rampMax: 2000,
  rampStepSeconds: 8,
  warmupSeconds: 10,
  idleSeconds: 30,
  baselineSeconds: 5,
  kafkaBaselineMessages: 30_000,
  dispatcherEvents: 5000,
  dispatcherEndpoints: 4,
};

// A few seconds in all: CI runs it to show the bench works, never to judge the figures.
const SMOKE = { rate: 50, seconds: 3, rampStart: 25, rampStep: 25, rampMax: 50, rampStepSeconds: 2, warmupSeconds: 1, idleSeconds: 2, baselineSeconds: 1, kafkaBaselineMessages: 2000, dispatcherEvents: 200, dispatcherEndpoints: 2 };

function instancesOf(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 4) throw new Error(`BENCH_INSTANCES must be a whole number from 1 to 4, got "${raw}"`);
  return value;
}

export function benchSettings(env: NodeJS.ProcessEnv, argv: string[]): BenchSettings {
  const smoke = argv.includes('--smoke') || env.BENCH_SMOKE === 'true';
  const base = smoke ? SMOKE : DEFAULTS;
  const number = (name: string, fallback: number) => {
    const raw = env[`BENCH_${name}`];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`BENCH_${name} must be a positive number, got "${raw}"`);
    return value;
  };
  return {
    rate: number('RATE', base.rate),
    seconds: number('SECONDS', base.seconds),
    rampStart: number('RAMP_START', base.rampStart),
    rampStep: number('RAMP_STEP', base.rampStep),
    rampMax: number('RAMP_MAX', base.rampMax),
    rampStepSeconds: number('RAMP_STEP_SECONDS', base.rampStepSeconds),
    warmupSeconds: number('WARMUP_SECONDS', base.warmupSeconds),
    idleSeconds: number('IDLE_SECONDS', base.idleSeconds),
    baselineSeconds: number('BASELINE_SECONDS', base.baselineSeconds),
    kafkaBaselineMessages: number('KAFKA_BASELINE_MESSAGES', base.kafkaBaselineMessages),
    dispatcherEvents: number('DISPATCHER_EVENTS', base.dispatcherEvents),
    dispatcherEndpoints: number('DISPATCHER_ENDPOINTS', base.dispatcherEndpoints),
    instances: instancesOf(env.BENCH_INSTANCES),
    output: env.BENCH_OUTPUT ?? '.payhook/bench/result.json',
    smoke,
  };
}
