import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { LOGGER, WorkerLoop } from '@payhook/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { EventStore } from '../event-store/event-store';
import { decide } from '../payments/domain/decider';
import { ProcessingScheduler } from './processing-scheduler';

const BATCH = 100;

/**
 * Finishes payments whose processing is due. The job row is deleted in the transaction
 * that appends the outcome, so a crash at any point leaves it to be done again, and the
 * stream's expected version makes a second run append nothing.
 */
@Injectable()
export class ProcessingWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: WorkerLoop;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(LOGGER) logger: Logger,
    private readonly store: EventStore,
    scheduler: ProcessingScheduler,
  ) {
    this.loop = new WorkerLoop({ name: 'processing', logger, idleMs: 1000, batchSize: BATCH, runOnce: () => this.runOnce() });
    scheduler.onDue(() => this.loop.kick());
  }

  onApplicationBootstrap(): Promise<void> {
    return this.loop.start();
  }

  onModuleDestroy(): Promise<void> {
    return this.loop.stop();
  }

  async runOnce(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const jobs: Array<{ payment_id: string }> = await manager.query(
        `SELECT payment_id FROM processing_jobs WHERE due_at <= now()
         ORDER BY due_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      for (const { payment_id } of jobs) {
        const stream = await this.store.load(payment_id, manager);
        await this.store.append(manager, stream, decide({ type: 'complete_processing' }, stream.state));
      }
      if (jobs.length) {
        await manager.query('DELETE FROM processing_jobs WHERE payment_id = ANY($1)', [jobs.map((j) => j.payment_id)]);
      }
      return jobs.length;
    });
  }
}
