import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Database, isTransientError, LOGGER, Quarantine, runIsolated, WorkerLoop, type Transaction } from '@payhook/platform';
import type { Logger } from 'pino';
import { EventStore, isStreamConflict } from '../event-store/event-store';
import { finishProcessing, lockDueProcessing, lockNextDueProcessing } from '../store/processing-jobs';
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
    @Inject(Database) private readonly database: Database,
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

  /**
   * The due jobs are locked and finished in one transaction, with no look-ahead query
   * before it. Only a batch that fails on some payment's own account is run again, split
   * until the payment is found and set aside.
   */
  async runOnce(): Promise<number> {
    let due: string[] = [];
    try {
      await this.database.transaction(async (tx) => {
        due = await lockNextDueProcessing(tx, BATCH);
        await this.complete(tx, due);
      });
    } catch (error) {
      if (due.length === 0 || this.isTransient(error)) throw error;
      await runIsolated(due, {
        run: (paymentIds) => this.database.transaction(async (tx) => this.complete(tx, await lockDueProcessing(tx, paymentIds))),
        isTransient: (e) => this.isTransient(e),
        setAside: (paymentId, reason) =>
          this.database.transaction(async (tx) => {
            await finishProcessing(tx, [paymentId]);
            await this.quarantine.setAside({ worker: 'processing', recordId: paymentId, reason }, tx);
          }),
      });
    }
    return due.length;
  }

  /** A capture or cancel that won the race: the next run sees the new state. */
  private isTransient(error: unknown): boolean {
    return isStreamConflict(error) || isTransientError(error);
  }

  /** Streams are loaded in one statement and appended in two (the commit with them), whatever the batch's size. */
  private async complete(tx: Transaction, jobs: string[]): Promise<void> {
    const streams = await this.store.loadMany(jobs, tx);
    await tx.commit(
      Promise.all([
        this.store.appendAll(tx, streams.map((stream) => ({ stream, events: decide({ type: 'complete_processing' }, stream.state) }))),
        finishProcessing(tx, jobs),
      ]),
    );
  }
}
