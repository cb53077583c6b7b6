import { Controller, Get, Inject, Injectable, UseGuards, type Type } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Logger } from 'pino';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { BearerAuthGuard } from './auth';
import { readableBytes, storableText } from './bytes';
import { LOGGER } from './core.module';
import { ApiErrors, ZodQuery } from './openapi';
import { Metrics } from './metrics';
import { Database, statement, type Sql } from './sql';

/** Quarantined records are kept this long, then pruned (at the next quarantine). */
export const QUARANTINE_RETENTION_DAYS = 30;

/**
 * Records a worker set aside: one row per (worker, record), with the reason and the bytes
 * it could not handle. Every app has this table (its migrations list this class).
 */
export class QuarantineTable1732700000000 implements MigrationInterface {
  name = 'QuarantineTable1732700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE quarantine (
        id bigserial PRIMARY KEY,
        worker text NOT NULL,
        record_id text NOT NULL,
        reason text NOT NULL,
        payload bytea,
        quarantined_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT quarantine_record UNIQUE (worker, record_id)
      )`);
    await db.query('CREATE INDEX quarantine_at ON quarantine (quarantined_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE quarantine');
  }
}

export interface QuarantinedRecord {
  worker: string;
  /** The record's own id (payment, event, delivery, order…), or where it came from. */
  recordId: string;
  reason: string;
  payload?: Buffer | string | null;
}

const quarantineEntrySchema = z.object({
  id: z.string(),
  worker: z.string(),
  recordId: z.string(),
  reason: z.string(),
  payload: z
    .object({ text: z.string(), base64: z.string(), exact: z.boolean().meta({ description: 'False when text had to replace bytes that are not UTF-8' }) })
    .nullable(),
  quarantinedAt: z.iso.datetime(),
});

export type QuarantineEntry = z.infer<typeof quarantineEntrySchema>;

const listQuery = z
  .object({
    worker: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();

const SET_ASIDE = statement(
  'quarantine.insert',
  `INSERT INTO quarantine (worker, record_id, reason, payload) VALUES ($1, $2, $3, $4)
   ON CONFLICT (worker, record_id) DO NOTHING RETURNING id`,
);
const PRUNE = statement('quarantine.prune', `DELETE FROM quarantine WHERE quarantined_at < now() - $1 * interval '1 day'`);
const COUNT_BY_WORKER = statement('quarantine.count-by-worker', 'SELECT worker, count(*)::int AS records FROM quarantine GROUP BY worker');
const LIST = statement(
  'quarantine.list',
  `SELECT id, worker, record_id, reason, payload, quarantined_at FROM quarantine
   WHERE ($1::text IS NULL OR worker = $1) ORDER BY id DESC LIMIT $2`,
);

/** Sets records aside (logged once per record), lists them for the API and counts them for /metrics. */
@Injectable()
export class Quarantine {
  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(Metrics) metrics: Metrics,
  ) {
    metrics.sampled('payhook_quarantined_records', 'Records set aside and kept (30 days), by the worker that set them aside', ['worker'], async () => {
      const rows = await this.database.rows<{ worker: string; records: number }>(COUNT_BY_WORKER, []);
      return rows.map((row) => ({ labels: { worker: row.worker }, value: row.records }));
    });
  }

  /** Inside the caller's transaction when given one, so the record leaves its queue in the same commit. */
  async setAside(record: QuarantinedRecord, sql: Sql = this.database): Promise<void> {
    const payload = record.payload === undefined || record.payload === null ? null : Buffer.from(record.payload);
    const inserted = await sql.row(SET_ASIDE, [record.worker, storableText(record.recordId).slice(0, 500), storableText(record.reason), payload]);
    if (!inserted) return;
    this.logger.error({ worker: record.worker, recordId: record.recordId, reason: record.reason }, 'record quarantined');
    await sql.count(PRUNE, [QUARANTINE_RETENTION_DAYS]);
  }

  async list(query: z.infer<typeof listQuery>): Promise<QuarantineEntry[]> {
    const rows = await this.database.rows<{ id: string; worker: string; record_id: string; reason: string; payload: Buffer | null; quarantined_at: Date }>(
      LIST,
      [query.worker ?? null, query.limit],
    );
    return rows.map((row) => ({
      id: row.id,
      worker: row.worker,
      recordId: row.record_id,
      reason: row.reason,
      payload: row.payload ? readableBytes(row.payload) : null,
      quarantinedAt: row.quarantined_at.toISOString(),
    }));
  }
}

@ApiTags('quarantine')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('v1/quarantine')
class QuarantineController {
  constructor(private readonly quarantine: Quarantine) {}

  @Get()
  @ApiOperation({ summary: 'Records a worker set aside, newest first, with the reason and the bytes' })
  @ApiResponse({ status: 200, description: 'The records set aside', standardSchema: z.object({ data: z.array(quarantineEntrySchema) }) })
  @ApiErrors(401)
  async list(@ZodQuery(listQuery) query: z.infer<typeof listQuery>) {
    return { data: await this.quarantine.list(query) };
  }
}

/** The controller an app mounts to show its quarantine (guarded by its API key). */
export const QUARANTINE_CONTROLLER: Type = QuarantineController;
