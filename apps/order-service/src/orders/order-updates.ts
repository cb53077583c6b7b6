import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { databaseUrl, LOGGER, PgListener } from '@payhook/platform';
import type { Logger } from 'pino';
import { Subject } from 'rxjs';
import { ORDER_CONFIG, type OrderConfig } from '../config';

/**
 * Ids of orders that changed, from any instance: every history row NOTIFYs
 * `order_changes` with its order id. Feeds the Server-Sent Events streams.
 */
@Injectable()
export class OrderUpdates implements OnApplicationBootstrap, OnModuleDestroy {
  readonly changed = new Subject<string>();
  private readonly listener: PgListener;

  constructor(@Inject(LOGGER) logger: Logger, @Inject(ORDER_CONFIG) config: OrderConfig) {
    this.listener = new PgListener({
      connectionString: databaseUrl(config.DATABASE_URL, config.ORDER_DATABASE_NAME),
      channel: 'order_changes',
      logger,
      onNotify: (orderId) => this.changed.next(orderId),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listener.start();
  }

  async onModuleDestroy(): Promise<void> {
    this.changed.complete();
    await this.listener.stop();
  }
}
