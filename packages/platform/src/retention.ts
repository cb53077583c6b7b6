import type { OnApplicationBootstrap, OnModuleDestroy, Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { LOGGER } from './core.module';
import { Database, statement, type Statement } from './sql';
import { WorkerLoop } from './worker-loop';

/** Idempotency keys are answered again for this long after their request (as Stripe does). */
export const IDEMPOTENCY_KEY_RETENTION_MS = 24 * 3_600_000;

/** A table whose rows go once `column` is older than `maxAgeMs`. */
export interface RetentionRule {
  table: string;
  column: string;
  maxAgeMs: number;
}

const BATCH = 1000;

/**
 * Keeps append-only tables bounded: every minute, rows past their rule's age are deleted a
 * batch at a time (the loop goes on while batches come back full). Each rule's column is
 * indexed by its app's migrations, so a sweep never scans the table.
 */
export class RetentionLoop implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: WorkerLoop;
  private readonly sweeps: Array<{ table: string; maxAgeMs: number; prune: Statement }>;

  constructor(
    private readonly database: Database,
    private readonly logger: Logger,
    rules: RetentionRule[],
  ) {
    this.sweeps = rules.map((rule) => ({
      table: rule.table,
      maxAgeMs: rule.maxAgeMs,
      prune: statement(
        `retention.${rule.table}`,
        `DELETE FROM ${rule.table} WHERE ctid IN (SELECT ctid FROM ${rule.table} WHERE ${rule.column} < $1 LIMIT $2)`,
      ),
    }));
    this.loop = new WorkerLoop({ name: 'retention', logger, idleMs: 60_000, batchSize: BATCH, runOnce: () => this.sweep() });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** One batch per rule; returns the most rows one rule removed. A rule that fails is logged and does not keep the others from their sweep. */
  async sweep(): Promise<number> {
    let most = 0;
    for (const sweep of this.sweeps) {
      try {
        const removed = await this.database.count(sweep.prune, [new Date(Date.now() - sweep.maxAgeMs), BATCH]);
        most = Math.max(most, removed);
      } catch (error) {
        this.logger.warn({ err: error, table: sweep.table }, 'retention sweep failed; the next sweep tries again');
      }
    }
    return most;
  }
}

/** The provider of an app's retention loop, with the rules it keeps. */
export function retentionProvider(rules: RetentionRule[]): Provider {
  return {
    provide: RetentionLoop,
    inject: [Database, LOGGER],
    useFactory: (database: Database, logger: Logger) => new RetentionLoop(database, logger, rules),
  };
}

/** Every app's idempotency keys expire: the index their retention sweep uses. */
export class IdempotencyKeysRetention1732800000001 implements MigrationInterface {
  name = 'IdempotencyKeysRetention1732800000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query('CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX idempotency_keys_created');
  }
}

export const IDEMPOTENCY_KEYS_RETENTION: RetentionRule = { table: 'idempotency_keys', column: 'created_at', maxAgeMs: IDEMPOTENCY_KEY_RETENTION_MS };
