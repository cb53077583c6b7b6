import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { ApiError } from './errors';
import { DataSource, type EntityManager } from 'typeorm';

export interface StoredResponse<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** A stable hash of a JSON value: key order does not matter. */
export function requestHash(value: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
        : v;
  return createHash('sha256').update(JSON.stringify(canonical(value))).digest('hex');
}

/**
 * Idempotency-Key handling (each app has an `idempotency_keys` table in its migrations). The key row is inserted in the same transaction as the work,
 * so a concurrent duplicate blocks on it, then sees the first answer; a key reused with
 * another body is refused with 422.
 */
@Injectable()
export class IdempotencyKeys {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async run<T>(
    key: string | undefined,
    request: unknown,
    work: (manager: EntityManager) => Promise<{ status: number; body: T }>,
  ): Promise<StoredResponse<T>> {
    if (key === undefined) {
      return { ...(await this.dataSource.transaction(work)), replayed: false };
    }
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters.');
    }
    const hash = requestHash(request);
    return this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        'INSERT INTO idempotency_keys (key, request_hash) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING key',
        [key, hash],
      );
      if (inserted.length === 0) {
        const [previous] = await manager.query(
          'SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE key = $1',
          [key],
        );
        if (previous.request_hash !== hash) {
          throw new ApiError(422, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body.');
        }
        return { status: previous.response_status, body: previous.response_body as T, replayed: true };
      }
      const result = await work(manager);
      await manager.query('UPDATE idempotency_keys SET response_status = $2, response_body = $3 WHERE key = $1', [
        key,
        result.status,
        JSON.stringify(result.body),
      ]);
      return { ...result, replayed: false };
    });
  }
}
