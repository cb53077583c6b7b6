import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { isTransientError, LOGGER, Quarantine, runIsolated, WorkerLoop } from '@payhook/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { ConcurrencyError, EventStore } from '../event-store/event-store';
import { decide } from '../payments/domain/decider';
import { ProcessingScheduler } from './processing-scheduler';

const BATCH = 100;

/**
 * Finishes payments whose processing is due. The job row is deleted in the transaction
 * that appends the outcome, so a crash at any point leaves it to be done again, and the
 * stream's expected version makes a second run append nothing. A payment whose processing
 * fails on its own is quarantined (its job leaves the queue, the reason is kept), so it
 * never holds up the others.
 */
@Injectable()
export class ProcessingWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: WorkerLoop;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(LOGGER) logger: Logger,
    private readonly store: EventStore,
    private readonly quarantine: Quarantine,
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
    const due: Array<{ payment_id: string }> = await this.dataSource.query(
      `SELECT payment_id FROM processing_jobs WHERE due_at <= now() ORDER BY due_at LIMIT ${BATCH}`,
    );
    await runIsolated(
      due.map((job) => job.payment_id),
      {
        run: (paymentIds) => this.process(paymentIds),
        // A capture or cancel that won the race: the next run sees the new state.
        isTransient: (error) => error instanceof ConcurrencyError || isTransientError(error),
        setAside: (paymentId, reason) =>
          this.dataSource.transaction(async (manager) => {
            await manager.query('DELETE FROM processing_jobs WHERE payment_id = $1', [paymentId]);
            await this.quarantine.setAside({ worker: 'processing', recordId: paymentId, reason }, manager);
          }),
      },
    );
    return due.length;
  }

  /** One transaction for the jobs still due and not held by another instance. */
  private process(paymentIds: string[]): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const jobs: Array<{ payment_id: string }> = await manager.query(
        `SELECT payment_id FROM processing_jobs WHERE payment_id = ANY($1) AND due_at <= now()
         ORDER BY due_at FOR UPDATE SKIP LOCKED`,
        [paymentIds],
      );
      for (const { payment_id } of jobs) {
        const stream = await this.store.load(payment_id, manager);
        await this.store.append(manager, stream, decide({ type: 'complete_processing' }, stream.state));
      }
      if (jobs.length) {
        await manager.query('DELETE FROM processing_jobs WHERE payment_id = ANY($1)', [jobs.map((j) => j.payment_id)]);
      }
    });
  }
}
