import type { DynamicModule, INestApplication, Type } from '@nestjs/common';

import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { FastifyBodyParser, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ErrorFilter, toErrorResponse } from './errors';
import { NestPinoLogger, logRequests } from './logger';
import { INVALID_URL, rejectUnstorableInput } from './input-guard';
import { measureRequests, type Metrics } from './metrics';
import { addCommonErrors, zodToOpenApi } from './openapi';
import { traceRequests } from './trace-context';
import type { Tracing } from './tracing';

export interface HttpAppOptions {
  title: string;
  description: string;
  logger: Logger;
  /** Where request counts and latencies go (GET /metrics). */
  metrics: Metrics;
  /** Each request is a span of its trace (exported only with OTEL_EXPORTER_OTLP_ENDPOINT). */
  tracing: Tracing;
  /** Largest JSON body accepted, in bytes; larger ones are answered 413. */
  bodyLimit?: number;
  /** Bearer auth shown in the OpenAPI document. */
  bearerAuth?: boolean;
  /** Adds what Nest does not generate from the routes (the dispatcher's `webhooks`). */
  extendDocument?: (document: OpenAPIObject) => void;
}

/** The default body limit: 100 KiB. */
export const DEFAULT_BODY_LIMIT = 100 * 1024;

/**
 * Creates a Nest HTTP app on Fastify with Payhook's common behaviour: pino logs, one JSON
 * error shape, request metrics, a trace per request (traceparent), a body size limit, JSON bodies only, nothing Postgres cannot store, the raw
 * body kept for signature checks and OpenAPI at /docs. Signals are handled by `serve` (startup.ts).
 */
export async function createHttpApp(module: Type | DynamicModule, options: HttpAppOptions): Promise<INestApplication> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  // trustProxy off: the peer address is the client's. JSON only: any other body is 415.
  const adapter = new FastifyAdapter({
    bodyLimit,
    trustProxy: false,
    // A long path id is the handler's to refuse (404), not the router's (414).
    routerOptions: { maxParamLength: 8192 },
    // A path that is not valid percent-encoding never reaches Nest: answered here, in the one error shape.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const invalidUrl = error.code === 'FST_ERR_BAD_URL';
      const { status, body } = toErrorResponse(invalidUrl ? INVALID_URL : error);
      void reply.status(status).send(body);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(module, adapter, { bufferLogs: true, rawBody: true, bodyParser: false });
  app.useLogger(new NestPinoLogger(options.logger));
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify's JSON parser (prototype poisoning refused), except that an empty body is no
  // body, as a POST without one (a retry, a rotation) is sent by many clients.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  const jsonBody: FastifyBodyParser<Buffer> = (request, body, done) => (body.length === 0 ? done(null, undefined) : parseJson(request, body.toString('utf8'), done));
  app.useBodyParser('application/json', { bodyLimit }, jsonBody);
  app.useBodyParser(/^application\/[^;/]+\+json/, { bodyLimit }, jsonBody);
  traceRequests(fastify, options.tracing);
  if (options.logger.isLevelEnabled('info')) logRequests(fastify, options.logger);
  measureRequests(fastify, options.metrics);
  fastify.addHook('preHandler', rejectUnstorableInput);
  app.useGlobalFilters(new ErrorFilter(options.logger));

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
