import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Database, LOGGER, retryOnConflict, WorkerLoop } from '@payhook/platform';
import type { Logger } from 'pino';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../config';
import { expireHeldDeliveries, pruneDelivered } from '../store/deliveries';
import { pruneEvents } from '../store/events';

const BATCH = 1000;

/**
 * Keeps the hot tables small: delivered deliveries (with their attempts) past the
 * retention window go, then events no delivery refers to any more. Failed ones stay,
 * so they can still be recovered. A delivery held for a disabled endpoint longer than
 * WEBHOOK_HOLD_MAX_AGE is failed (enabling would fail it anyway), so an endpoint left
 * disabled does not pin its events for ever.
 */
@Injectable()
export class Housekeeping implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly loop: WorkerLoop;

  constructor(
    @Inject(Database) private readonly database: Database,
    @Inject(LOGGER) logger: Logger,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
  ) {
    this.loop = new WorkerLoop({ name: 'housekeeping', logger, idleMs: 60_000, runOnce: () => this.sweep() });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.loop.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.loop.stop();
  }

  /** One batch of each; returns how many rows went, so the loop goes on while there are more. */
  async sweep(): Promise<number> {
    const cutoff = new Date(Date.now() - this.config.WEBHOOK_RETENTION);
    const deliveries = await pruneDelivered(this.database, cutoff, BATCH);
    // Races an enable over the same rows at worst: Postgres rolls one back, and it runs again.
    const expired = await retryOnConflict(() => expireHeldDeliveries(this.database, new Date(Date.now() - this.config.WEBHOOK_HOLD_MAX_AGE), BATCH));
    const events = await pruneEvents(this.database, cutoff, BATCH);
    return deliveries + expired + events;
  }
}
