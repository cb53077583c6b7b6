import { batchStatement, statement, type Sql } from '@payhook/platform';

/** Payments waiting for their processing outcome: every statement on `processing_jobs`. */

const SCHEDULE = statement(
  'processing-jobs.schedule',
  "INSERT INTO processing_jobs (payment_id, due_at) SELECT p, now() + d * interval '1 millisecond' FROM unnest($1::text[], $2::float8[]) AS u (p, d)",
);
/** The next due jobs not held by another instance, locked until the transaction ends. */
const LOCK_NEXT_DUE = statement(
  'processing-jobs.lock-next-due',
  'SELECT payment_id FROM processing_jobs WHERE due_at <= now() ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED',
);
/** Of these jobs, those still due and not held by another instance, locked until the transaction ends. */
const LOCK_DUE = batchStatement(
  'processing-jobs.lock-due',
  `SELECT payment_id FROM processing_jobs WHERE payment_id = ANY($1) AND due_at <= now()
   ORDER BY due_at FOR UPDATE SKIP LOCKED`,
);
const FINISH = batchStatement('processing-jobs.finish', 'DELETE FROM processing_jobs WHERE payment_id = ANY($1)');

/** One statement for the jobs the transaction's requests schedule in the same pass. */
export async function scheduleProcessing(tx: Sql, paymentId: string, delayMs: number): Promise<void> {
  await tx.batched(SCHEDULE, [[paymentId], [delayMs]]);
}

export async function lockNextDueProcessing(tx: Sql, limit: number): Promise<string[]> {
  return (await tx.rows<{ payment_id: string }>(LOCK_NEXT_DUE, [limit])).map((r) => r.payment_id);
}

export async function lockDueProcessing(tx: Sql, paymentIds: string[]): Promise<string[]> {
  return (await tx.rows<{ payment_id: string }>(LOCK_DUE, [paymentIds])).map((r) => r.payment_id);
}

export async function finishProcessing(tx: Sql, paymentIds: string[]): Promise<void> {
  if (paymentIds.length > 0) await tx.count(FINISH, [paymentIds]);
}
