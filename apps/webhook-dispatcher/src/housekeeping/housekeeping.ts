import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { LOGGER, retryOnConflict, WorkerLoop } from '@payhook/platform';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../config';
import { HOLD_EXPIRED } from '../endpoints/endpoint-status';

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
    @Inject(DataSource) private readonly dataSource: DataSource,
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
    const [, deliveries]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM deliveries WHERE id IN (
         SELECT id FROM deliveries WHERE status = 'delivered' AND delivered_at < $1 LIMIT $2)`,
      [cutoff, BATCH],
    );
    // Races an enable over the same rows at worst: Postgres rolls one back, and it runs again.
    const [, expired]: [unknown, number] = await retryOnConflict(() =>
      this.dataSource.query(
        `UPDATE deliveries SET status = 'failed', updated_at = now(), last_error = $3
         WHERE id IN (SELECT id FROM deliveries WHERE status = 'held' AND created_at < $1 ORDER BY id LIMIT $2 FOR UPDATE)`,
        [new Date(Date.now() - this.config.WEBHOOK_HOLD_MAX_AGE), BATCH, HOLD_EXPIRED],
      ),
    );
    const [, events]: [unknown, number] = await this.dataSource.query(
      `DELETE FROM events WHERE id IN (
         SELECT id FROM events ev WHERE received_at < $1
           AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = ev.id) LIMIT $2)`,
      [cutoff, BATCH],
    );
    return deliveries + expired + events;
  }
}
