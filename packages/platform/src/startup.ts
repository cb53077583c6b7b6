import type { Server } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import type { z } from 'zod';
import type { Logger } from 'pino';
import { ConfigError, loadConfig } from './config';
import { LOGGER } from './core.module';

/** A dependency that cannot be reached at boot; the message names the setting and address. */
export class StartupError extends Error {}

/**
 * Runs a service's start function. A bad setting or an unreachable dependency ends the
 * process with one line on stderr instead of a stack trace.
 */
export function runService(name: string, start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    if (error instanceof ConfigError || error instanceof StartupError) {
      process.stderr.write(`${name}: ${error.message}\n`);
    } else {
      process.stderr.write(`${name}: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
    }
    process.exit(1);
  });
}

/** Boots an app from its config schema and listens on the host and port the config names. */
export function serve<S extends z.ZodType>(options: {
  service: string;
  schema: S;
  create: (config: z.infer<S>) => Promise<INestApplication>;
  listen: (config: z.infer<S>) => { port: number; host: string };
}): void {
  runService(options.service, async () => {
    const config = loadConfig(options.schema);
    const app = await options.create(config);
    const { port, host } = options.listen(config);
    await app.listen(port, host);
    app.get<Logger>(LOGGER).info({ node: process.version, host, port }, `${options.service} listening`);
    closeOnSignal(options.service, app);
    return app;
  });
}

/** How long a SIGTERM'd app may take to finish in-flight work before it is forced out. */
const SHUTDOWN_DEADLINE_MS = 25_000;
/** How long requests already in flight get before every connection (SSE streams too) is cut. */
const CONNECTION_GRACE_MS = 5_000;

/**
 * Graceful shutdown: on SIGTERM or SIGINT, app.close() runs every module's destroy and
 * shutdown hooks (workers stop and drain, then Kafka and the pool close) and the process
 * exits 0. Nest's enableShutdownHooks would re-raise the signal afterwards, so the exit
 * would read as "killed"; a supervisor should see a clean exit instead.
 */
function closeOnSignal(service: string, app: INestApplication): void {
  const server = app.getHttpServer() as Server;
  let closing = false;
  // A busy keep-alive client would otherwise keep its connection, and the server, open for ever.
  server.prependListener('request', (_request, response) => {
    if (closing) response.setHeader('connection', 'close');
  });
  const shutdown = (signal: NodeJS.Signals) => {
    process.stderr.write(`${service}: ${signal} received, shutting down\n`);
    closing = true;
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), CONNECTION_GRACE_MS).unref();
    setTimeout(() => {
      process.stderr.write(`${service}: still busy after ${SHUTDOWN_DEADLINE_MS} ms, exiting\n`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`${service}: error during shutdown: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
