import { statement, type Sql } from '@payhook/platform';

/** This service's registration at the dispatcher and the secrets its webhooks are signed with. */

const READ = statement('registration.read', 'SELECT endpoint_id, url FROM webhook_registration');
const CLEAR = statement('registration.clear', 'DELETE FROM webhook_registration');
const SAVE = statement('registration.save', 'INSERT INTO webhook_registration (endpoint_id, url) VALUES ($1, $2)');
const ADD_SECRET = statement('registration.add-secret', 'INSERT INTO webhook_secrets (secret) VALUES ($1)');
const EXPIRE_SECRETS = statement('registration.expire-secrets', 'UPDATE webhook_secrets SET expires_at = $1 WHERE expires_at IS NULL');
const CURRENT_SECRETS = statement(
  'registration.current-secrets',
  'SELECT secret FROM webhook_secrets WHERE expires_at IS NULL OR expires_at > now() ORDER BY id DESC',
);

export function readRegistration(sql: Sql): Promise<{ endpoint_id: string; url: string } | undefined> {
  return sql.row(READ);
}

/** Replaces the registration (one row) and adds its secret. */
export async function saveRegistration(tx: Sql, endpointId: string, url: string, secret: string): Promise<void> {
  await tx.count(CLEAR);
  await tx.count(SAVE, [endpointId, url]);
  await tx.count(ADD_SECRET, [secret]);
}

/** The new secret signs from now; the current ones stay valid until `previousExpiresAt`. */
export async function rotateSecret(tx: Sql, secret: string, previousExpiresAt: string): Promise<void> {
  await tx.count(EXPIRE_SECRETS, [previousExpiresAt]);
  await tx.count(ADD_SECRET, [secret]);
}

/** Newest first. */
export async function currentSecrets(sql: Sql): Promise<string[]> {
  return (await sql.rows<{ secret: string }>(CURRENT_SECRETS)).map((r) => r.secret);
}
