import { percentile } from '../stats/summary';

/** The backlog at one moment of a ramp step. */
export interface BacklogReading {
  /** Seconds since the step began. */
  atSeconds: number;
  /** Work not yet done: unanswered requests + unsettled orders and the work queued for them. */
  backlog: number;
}

/** What was seen over one step of the ramp. */
export interface RampStep {
  targetRate: number;
  /** Orders accepted per second of the step. */
  acceptedRate: number;
  /** Orders settled (paid) per second over the step. */
  settledRate: number;
  /** The backlog a second into the step, every second after, and at its end. */
  backlogReadings: BacklogReading[];
}

/**
 * How fast the backlog grew over a step, per second: the median (nearest-rank p50) of the
 * slopes between every two readings (the Theil–Sen estimator). A stage that falls behind adds to the backlog
 * every second and moves every slope; one slow second (a checkpoint, a collection, a
 * neighbour on the machine) moves only the slopes through its reading, and the median
 * leaves them out, where the slope from the first reading to the last took it whole.
 */
export function backlogGrowthPerSecond(readings: readonly BacklogReading[]): number {
  const slopes: number[] = [];
  for (let i = 0; i < readings.length; i++) {
    for (let j = i + 1; j < readings.length; j++) {
      const seconds = readings[j].atSeconds - readings[i].atSeconds;
      if (seconds > 0) slopes.push((readings[j].backlog - readings[i].backlog) / seconds);
    }
  }
  return slopes.length === 0 ? 0 : percentile(slopes.sort((a, b) => a - b), 50);
}

/**
 * A rate is sustainable when the load is accepted and the backlog is not growing: at
 * a steady state the work in flight stays about rate × latency, so a backlog whose trend
 * rises by more than a quarter-second of load over the step means some stage is falling
 * behind. The readings start a second in, when the first orders have had time to settle.
 */
export function sustained(step: RampStep): boolean {
  const readings = step.backlogReadings;
  const span = readings.length < 2 ? 0 : readings[readings.length - 1].atSeconds - readings[0].atSeconds;
  const rise = backlogGrowthPerSecond(readings) * span;
  return step.acceptedRate >= 0.95 * step.targetRate && rise <= Math.max(0.25 * step.targetRate, 20);
}

/** Rates of the ramp: from `start` by `step` up to `max`. */
export function rampRates(start: number, step: number, max: number): number[] {
  const rates: number[] = [];
  for (let rate = start; rate <= max; rate += step) rates.push(rate);
  return rates;
}
