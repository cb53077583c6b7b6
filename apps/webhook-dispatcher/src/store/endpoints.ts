import { statement, type Sql } from '@payhook/platform';

/**
 * Endpoints and their signing secrets: every statement on `endpoints` and
 * `endpoint_secrets`. Status changes go through endpoint-status.ts, the endpoint state
 * machine. One lock order everywhere: an endpoint's row before its deliveries'.
 */

export interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  event_types: string[] | null;
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  rate_limit_per_second: number | null;
  created_at: Date;
  updated_at: Date;
}

/** An endpoint an event is delivered to, the status its new delivery starts in, and where it is sent. */
export interface EndpointTarget {
  id: string;
  event_types: string[] | null;
  status: 'pending' | 'held';
  url: string;
  rate_limit_per_second: number | null;
}

/** The signing secrets in force of the endpoint whose id is `endpointId` (a column), newest first. */
export const secretsInForce = (endpointId: string) =>
  `ARRAY(SELECT s.secret FROM endpoint_secrets s
         WHERE s.endpoint_id = ${endpointId} AND (s.expires_at IS NULL OR s.expires_at > now())
         ORDER BY s.id DESC)`;

const COLUMNS = 'id, url, description, event_types, status, disabled_reason, rate_limit_per_second, created_at, updated_at';

const CREATE = statement(
  'endpoints.create',
  `WITH created AS (
     INSERT INTO endpoints (id, url, description, event_types, rate_limit_per_second) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}
   ), secret AS (
     INSERT INTO endpoint_secrets (endpoint_id, secret) SELECT id, $6 FROM created
   )
   SELECT * FROM created`,
);
const FIND_BY_URL = statement('endpoints.find-by-url', `SELECT ${COLUMNS} FROM endpoints WHERE url = $1 ORDER BY created_at LIMIT 1`);
const CURRENT_SECRET = statement(
  'endpoints.current-secret',
  'SELECT secret FROM endpoint_secrets WHERE endpoint_id = $1 AND (expires_at IS NULL OR expires_at > now()) ORDER BY id DESC LIMIT 1',
);
const LIST = statement('endpoints.list', `SELECT ${COLUMNS} FROM endpoints ORDER BY created_at, id`);
const FIND = statement('endpoints.find', `SELECT ${COLUMNS} FROM endpoints WHERE id = $1`);
const LOCK = statement('endpoints.lock', `SELECT ${COLUMNS} FROM endpoints WHERE id = $1 FOR NO KEY UPDATE`);
const SHARE_LOCK = statement('endpoints.share-lock', 'SELECT status FROM endpoints WHERE id = $1 FOR SHARE');
const SHARE_LOCK_OF_DELIVERY = statement(
  'endpoints.share-lock-of-delivery',
  'SELECT e.status FROM endpoints e JOIN deliveries d ON d.endpoint_id = e.id WHERE d.id = $1 FOR SHARE OF e',
);
const UPDATE = statement(
  'endpoints.update',
  `UPDATE endpoints SET
     url = COALESCE($2, url),
     event_types = CASE WHEN $3::boolean THEN $4::text[] ELSE event_types END,
     description = CASE WHEN $5::boolean THEN $6 ELSE description END,
     rate_limit_per_second = CASE WHEN $7::boolean THEN $8::integer ELSE rate_limit_per_second END,
     updated_at = now()
   WHERE id = $1 RETURNING ${COLUMNS}`,
);
const DELETE = statement('endpoints.delete', 'DELETE FROM endpoints WHERE id = $1');
const DISABLE = statement(
  'endpoints.disable',
  `UPDATE endpoints SET status = 'disabled', disabled_reason = $2, updated_at = now() WHERE id = $1 AND status = 'enabled'`,
);
const ENABLE = statement(
  'endpoints.enable',
  `UPDATE endpoints SET status = 'enabled', disabled_reason = NULL, failing_since = NULL, updated_at = now()
   WHERE id = $1 AND status = 'disabled'`,
);
const EXPIRE_SECRETS = statement(
  'endpoints.expire-secrets',
  `UPDATE endpoint_secrets SET expires_at = LEAST(COALESCE(expires_at, $2), $2) WHERE endpoint_id = $1`,
);
const DROP_EXPIRED_SECRETS = statement('endpoints.drop-expired-secrets', 'DELETE FROM endpoint_secrets WHERE endpoint_id = $1 AND expires_at <= now()');
const ADD_SECRET = statement('endpoints.add-secret', 'INSERT INTO endpoint_secrets (endpoint_id, secret) VALUES ($1, $2)');
/**
 * The endpoints subscribed to any of these types, share-locked in id order: an enable,
 * disable or delete in progress finishes first (and this reads its outcome) or waits for
 * this transaction (and then sees its deliveries).
 */
const SUBSCRIBED = statement(
  'endpoints.subscribed',
  `SELECT id, event_types, CASE WHEN status = 'enabled' THEN 'pending' ELSE 'held' END AS status, url, rate_limit_per_second
   FROM endpoints
   WHERE event_types IS NULL OR event_types && $1::text[]
   ORDER BY id FOR SHARE`,
);
const SECRETS_IN_FORCE = statement(
  'endpoints.secrets-in-force',
  `SELECT e.id, ${secretsInForce('e.id')} AS secrets FROM unnest($1::text[]) AS e (id)`,
);
const SHARE_LOCK_MANY = statement(
  'endpoints.share-lock-many',
  'SELECT id, failing_since IS NOT NULL AS failing FROM endpoints WHERE id = ANY($1) ORDER BY id FOR SHARE',
);
/** Starts the failing clock (if not running) and says how long it has run. */
const MARK_FAILING = statement(
  'endpoints.mark-failing',
  `UPDATE endpoints SET failing_since = COALESCE(failing_since, now()) WHERE id = $1
   RETURNING status, (extract(epoch FROM now() - failing_since) * 1000)::bigint AS failing_for_ms`,
);
const CLEAR_FAILING = statement(
  'endpoints.clear-failing',
  `UPDATE endpoints SET failing_since = NULL WHERE id IN (
     SELECT id FROM endpoints WHERE id = ANY($1) AND failing_since IS NOT NULL ORDER BY id FOR NO KEY UPDATE)`,
);

export function createEndpoint(
  tx: Sql,
  endpoint: { id: string; url: string; description: string | null; eventTypes: string[] | null; rateLimitPerSecond: number | null; secret: string },
): Promise<EndpointRow | undefined> {
  return tx.row<EndpointRow>(CREATE, [endpoint.id, endpoint.url, endpoint.description, endpoint.eventTypes, endpoint.rateLimitPerSecond, endpoint.secret]);
}

/** The endpoint with this URL (the oldest, if several): how a listener finds its own. */
export function findEndpointByUrl(sql: Sql, url: string): Promise<EndpointRow | undefined> {
  return sql.row<EndpointRow>(FIND_BY_URL, [url]);
}

/** The secret the endpoint's webhooks are signed with now (the newest unexpired one). */
export async function currentSecret(sql: Sql, id: string): Promise<string | undefined> {
  return (await sql.row<{ secret: string }>(CURRENT_SECRET, [id]))?.secret;
}

export function listEndpoints(sql: Sql): Promise<EndpointRow[]> {
  return sql.rows<EndpointRow>(LIST);
}

export function findEndpoint(sql: Sql, id: string): Promise<EndpointRow | undefined> {
  return sql.row<EndpointRow>(FIND, [id]);
}

/** Locks the endpoint against other changes until the transaction ends (deliveries may still be added). */
export function lockEndpoint(tx: Sql, id: string): Promise<EndpointRow | undefined> {
  return tx.row<EndpointRow>(LOCK, [id]);
}

/** Its status, share-locked: it cannot be disabled or deleted until the transaction ends. */
export function shareLockEndpoint(tx: Sql, id: string): Promise<{ status: string } | undefined> {
  return tx.row(SHARE_LOCK, [id]);
}

/** The status of a delivery's endpoint, share-locked. */
export function shareLockEndpointOfDelivery(tx: Sql, deliveryId: string): Promise<{ status: string } | undefined> {
  return tx.row(SHARE_LOCK_OF_DELIVERY, [deliveryId]);
}

export interface EndpointChanges {
  url?: string;
  eventTypes?: string[] | null;
  description?: string | null;
  rateLimitPerSecond?: number | null;
}

/** Changes what is given (undefined: left as is; null: cleared). */
export function updateEndpoint(tx: Sql, id: string, changes: EndpointChanges): Promise<EndpointRow | undefined> {
  return tx.row<EndpointRow>(UPDATE, [
    id,
    changes.url ?? null,
    changes.eventTypes !== undefined,
    changes.eventTypes ?? null,
    changes.description !== undefined,
    changes.description ?? null,
    changes.rateLimitPerSecond !== undefined,
    changes.rateLimitPerSecond ?? null,
  ]);
}

/** False if there was no such endpoint. */
export async function deleteEndpoint(tx: Sql, id: string): Promise<boolean> {
  return (await tx.count(DELETE, [id])) > 0;
}

export async function setEndpointDisabled(tx: Sql, id: string, reason: string): Promise<void> {
  await tx.count(DISABLE, [id, reason]);
}

export async function setEndpointEnabled(tx: Sql, id: string): Promise<void> {
  await tx.count(ENABLE, [id]);
}

/** The current secrets expire at `expiresAt` at the latest, the expired ones go, and `secret` signs from now. */
export async function rotateEndpointSecret(tx: Sql, id: string, secret: string, expiresAt: Date): Promise<void> {
  await Promise.all([tx.count(EXPIRE_SECRETS, [id, expiresAt]), tx.count(DROP_EXPIRED_SECRETS, [id]), tx.count(ADD_SECRET, [id, secret])]);
}

export function subscribedEndpoints(tx: Sql, eventTypes: string[]): Promise<EndpointTarget[]> {
  return tx.rows<EndpointTarget>(SUBSCRIBED, [eventTypes]);
}

/** The signing secrets in force of these endpoints, newest first; none for an endpoint that has none. */
export async function secretsOf(sql: Sql, endpointIds: string[]): Promise<Map<string, string[]>> {
  if (endpointIds.length === 0) return new Map();
  const rows = await sql.rows<{ id: string; secrets: string[] }>(SECRETS_IN_FORCE, [endpointIds]);
  return new Map(rows.map((row) => [row.id, row.secrets]));
}

/** Share-locks these endpoints in id order; returns those that exist, and whether their failing clock runs. */
export function shareLockEndpoints(tx: Sql, ids: string[]): Promise<Array<{ id: string; failing: boolean }>> {
  return tx.rows(SHARE_LOCK_MANY, [ids]);
}

/** Undefined if the endpoint was deleted meanwhile. */
export function markEndpointFailing(tx: Sql, id: string): Promise<{ status: string; failing_for_ms: string } | undefined> {
  return tx.row(MARK_FAILING, [id]);
}

/** A success ends these endpoints' failing clocks; one row at a time in id order. */
export async function clearEndpointsFailing(sql: Sql, ids: string[]): Promise<void> {
  if (ids.length > 0) await sql.count(CLEAR_FAILING, [ids]);
}
