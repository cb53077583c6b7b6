import type { DynamicModule, INestApplication } from '@nestjs/common';
import type { TopicSpec } from '@payhook/messaging';
import type { DataSourceOptions } from 'typeorm';
import { CoreModule, type CoreResources } from './core.module';
import { databaseUrl, openDatabase } from './database';
import { createHttpApp, type HttpAppOptions } from './http-app';
import { connectKafka } from './kafka';
import { createLogger } from './logger';
import { Metrics } from './metrics';
import { Database } from './sql';
import { startTracing } from './tracing';

/** The settings every app has, read from its validated config. */
export interface InfrastructureConfig {
  databaseUrl: string;
  databaseName: string;
  /** Absent for an app that does not use Kafka. */
  kafkaBrokers?: string;
  logLevel: string;
}

export interface AppDefinition {
  /** Service name: log field, Kafka client id. */
  service: string;
  title: string;
  description: string;
  infrastructure: InfrastructureConfig;
  entities: DataSourceOptions['entities'];
  migrations: DataSourceOptions['migrations'];
  topics?: TopicSpec[];
  /** Largest JSON body accepted, in bytes (default 100 KiB). */
  bodyLimit?: number;
  poolSize?: number;
  /** Adds to the OpenAPI document what the routes do not describe (the dispatcher's webhooks). */
  extendDocument?: HttpAppOptions['extendDocument'];
  /** The app's root module, given the shared core module to import. */
  rootModule: (core: DynamicModule, resources: CoreResources) => DynamicModule;
}

/**
 * Opens what an app stands on (its database, migrated; Kafka, reachable, and its topics, if it uses Kafka)
 * and builds the Nest HTTP app on top. Nothing listens yet: the caller decides the port.
 */
export async function bootstrapApp(definition: AppDefinition): Promise<INestApplication> {
  const { infrastructure } = definition;
  const logger = createLogger(definition.service, infrastructure.logLevel);
  const dataSource = await openDatabase({
    serverUrl: infrastructure.databaseUrl,
    database: infrastructure.databaseName,
    entities: definition.entities,
    migrations: definition.migrations,
  });
  const database = new Database({ url: databaseUrl(infrastructure.databaseUrl, infrastructure.databaseName), poolSize: definition.poolSize ?? 10 });
  const metrics = new Metrics(definition.service);
  const tracing = startTracing(definition.service);
  try {
    const resources: CoreResources =
      infrastructure.kafkaBrokers === undefined
        ? { logger, dataSource, database, metrics, tracing }
        : { logger, dataSource, database, metrics, tracing, ...(await connectKafka({ brokers: infrastructure.kafkaBrokers, clientId: definition.service, logger, topics: definition.topics })) };
    return await createHttpApp(definition.rootModule(CoreModule.forRoot(resources), resources), {
      title: definition.title,
      description: definition.description,
      logger,
      metrics,
      tracing,
      bodyLimit: definition.bodyLimit,
      bearerAuth: true,
      extendDocument: definition.extendDocument,
    });
  } catch (error) {
    await database.close();
    await dataSource.destroy();
    throw error;
  }
}
