/**
 * How far apart batched transactions start under load (`GroupCommit`, `WorkerLoop`): each
 * gathers what came meanwhile, so a steady stream costs at most 1000 / spacing transactions
 * a second, and an item at rest still goes at once. Chosen by measurement (docs/benchmarks.md).
 */
export const SPACING_MS = {
  /** Between a payment event's commit and its order's: the relay, the delivery claim, the webhook receiver. */
  endToEnd: 5,
  /** Off that path, where up to 20 ms more under load delays no webhook: grouped API requests, recorded answers and outcomes, processing ticks. */
  offPath: 20,
} as const;
