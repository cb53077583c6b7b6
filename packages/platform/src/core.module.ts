import { Global, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MessagingAdmin, type KafkaCluster } from '@payhook/messaging';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { HealthController, InfrastructureIndicators } from './health';
import { Metrics, MetricsController } from './metrics';
import { Database } from './sql';
import type { Tracing } from './tracing';

/** Injection tokens for the resources every app opens before Nest starts. */
export const KAFKA = Symbol('KAFKA');
export const LOGGER = Symbol('LOGGER');
export const TRACING = Symbol('TRACING');

export interface CoreResources {
  logger: Logger;
  /** TypeORM's: migrations, health, ad-hoc reads in tests. */
  dataSource: DataSource;
  /** The store layer's: every statement the app runs. */
  database: Database;
  metrics: Metrics;
  tracing: Tracing;
  /** Absent for an app that does not use Kafka (order-service): then /health does not check it. */
  kafka?: KafkaCluster;
  admin?: MessagingAdmin;
}

class ResourceCloser implements OnApplicationShutdown {
  constructor(private readonly resources: CoreResources) {}

  // Runs after every module's onModuleDestroy, so workers have stopped using these.
  async onApplicationShutdown(): Promise<void> {
    await this.resources.admin?.disconnect();
    await this.resources.database.close();
    await this.resources.tracing.shutdown();
    if (this.resources.dataSource.isInitialized) await this.resources.dataSource.destroy();
  }
}

/**
 * What every Payhook app shares: the database (and Kafka, where it uses it) handles as
 * injectable providers, GET /health, GET /metrics, and closing those handles on shutdown.
 */
@Global()
@Module({})
export class CoreModule {
  static forRoot(resources: CoreResources): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        TerminusModule.forRoot({ errorLogStyle: 'json', logger: false }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        InfrastructureIndicators,
        { provide: LOGGER, useValue: resources.logger },
        { provide: DataSource, useValue: resources.dataSource },
        { provide: Database, useValue: resources.database },
        { provide: Metrics, useValue: resources.metrics },
        { provide: TRACING, useValue: resources.tracing },
        { provide: KAFKA, useValue: resources.kafka ?? null },
        { provide: MessagingAdmin, useValue: resources.admin ?? null },
        { provide: ResourceCloser, useFactory: () => new ResourceCloser(resources) },
      ],
      exports: [LOGGER, DataSource, Database, Metrics, TRACING, KAFKA, MessagingAdmin],
    };
  }
}
