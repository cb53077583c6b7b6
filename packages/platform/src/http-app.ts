import type { DynamicModule, INestApplication, Type } from '@nestjs/common';

import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { ErrorFilter } from './errors';
import { NestPinoLogger, requestLogging } from './logger';
import { rejectUnstorableInput } from './input-guard';
import { addCommonErrors, zodToOpenApi } from './openapi';

export interface HttpAppOptions {
  title: string;
  description: string;
  logger: Logger;
  /** Largest JSON body accepted; larger ones are answered 413. */
  bodyLimit?: string;
  /** Bearer auth shown in the OpenAPI document. */
  bearerAuth?: boolean;
  /** Adds what Nest does not generate from the routes (the dispatcher's `webhooks`). */
  extendDocument?: (document: OpenAPIObject) => void;
}

/**
 * Creates a Nest HTTP app with Payhook's common behaviour: pino logs, one JSON error
 * shape, a body size limit, nothing Postgres cannot store, the raw body kept for signature checks and OpenAPI at /docs.
 * Signals are handled by `serve` (startup.ts).
 */
export async function createHttpApp(module: Type | DynamicModule, options: HttpAppOptions): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bufferLogs: true,
    rawBody: true,
    bodyParser: false,
  });
  app.useLogger(new NestPinoLogger(options.logger));
  if (options.logger.isLevelEnabled('info')) app.use(requestLogging(options.logger));
  app.useBodyParser('json', { limit: options.bodyLimit ?? '100kb', type: ['application/json', 'application/*+json'] });
  app.use(rejectUnstorableInput);
  app.useGlobalFilters(new ErrorFilter(options.logger));
  app.disable('x-powered-by');
  app.set('trust proxy', false);

  const document = SwaggerModule.createDocument(
    app,
    (options.bearerAuth
      ? new DocumentBuilder().addBearerAuth()
      : new DocumentBuilder()
    )
      .setTitle(options.title)
      .setDescription(options.description)
      .setVersion('1')
      .setOpenAPIVersion('3.1.0')
      .build(),
    { standardSchemaConverter: zodToOpenApi },
  );
  addCommonErrors(document);
  options.extendDocument?.(document);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  return app;
}
