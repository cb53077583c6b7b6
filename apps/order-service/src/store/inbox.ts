import { statement, type Sql } from '@payhook/platform';

/** The inbox: each webhook-id once, written in the transaction of the change it made. */

// xmax = 0 only on a fresh insert; a copy bumps the counter (and waits for the first's commit).
const ADMIT = statement(
  'inbox.admit',
  `INSERT INTO inbox (webhook_id, event_id) VALUES ($1, $2)
   ON CONFLICT (webhook_id) DO UPDATE SET duplicates = inbox.duplicates + 1 RETURNING (xmax = 0) AS fresh`,
);

/** True the first time this webhook-id is seen; a copy is counted and answered false. */
export async function admitWebhook(tx: Sql, webhookId: string, eventId: string): Promise<boolean> {
  const row = await tx.row<{ fresh: boolean }>(ADMIT, [webhookId, eventId]);
  return row?.fresh === true;
}
