/** What was seen over one step of the ramp. */
export interface RampStep {
  targetRate: number;
  /** Orders accepted per second of the step. */
  acceptedRate: number;
  /** Orders settled (paid) per second over the step. */
  settledRate: number;
  /** Work not yet done (unanswered requests + unsettled orders) a second into the step and at its end. */
  backlogEarly: number;
  backlogEnd: number;
}

/**
 * A rate is sustainable when the load is accepted and the backlog is not growing: at
 * a steady state the work in flight stays about rate × latency, so a backlog that rises
 * by more than a quarter-second of load over the step means some stage is falling behind.
 */
export function sustained(step: RampStep): boolean {
  const growth = step.backlogEnd - step.backlogEarly;
  return step.acceptedRate >= 0.95 * step.targetRate && growth <= Math.max(0.25 * step.targetRate, 20);
}

/** Rates of the ramp: from `start` by `step` up to `max`. */
export function rampRates(start: number, step: number, max: number): number[] {
  const rates: number[] = [];
  for (let rate = start; rate <= max; rate += step) rates.push(rate);
  return rates;
}
