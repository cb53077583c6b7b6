import { statement, type Sql } from '@payhook/platform';

/** The inbox: each webhook-id once, written in the transaction of the change it made. */

// xmax = 0 only on a fresh insert; a copy bumps the counter (and waits for the first's commit).
// $3 is how many copies beyond the first came in the same batch.
const ADMIT = statement(
  'inbox.admit',
  `INSERT INTO inbox (webhook_id, event_id, duplicates) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
   ON CONFLICT (webhook_id) DO UPDATE SET duplicates = inbox.duplicates + EXCLUDED.duplicates + 1
   RETURNING webhook_id, (xmax = 0) AS fresh`,
);

/**
 * Admits webhooks into the inbox, each webhook-id once (give each id once, with the
 * number of extra copies alongside). Returns the ids seen for the first time; a copy of
 * one seen before is counted and left out.
 */
export async function admitWebhooks(tx: Sql, webhooks: Array<{ webhookId: string; eventId: string; copies: number }>): Promise<Set<string>> {
  if (webhooks.length === 0) return new Set();
  const rows = await tx.rows<{ webhook_id: string; fresh: boolean }>(ADMIT, [
    webhooks.map((w) => w.webhookId),
    webhooks.map((w) => w.eventId),
    webhooks.map((w) => w.copies - 1),
  ]);
  return new Set(rows.filter((row) => row.fresh).map((row) => row.webhook_id));
}
