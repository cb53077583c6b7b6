import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { safeErrorSerializer } from './log-safety';

/**
 * One JSON logger per process. Authorization headers, secrets and signatures are
 * redacted wherever they appear in a logged object, and a database error's bound
 * parameters and quoted values never reach a line.
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Database errors are logged without the values they carry (log-safety.ts).
    serializers: { err: safeErrorSerializer },
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["webhook-signature"]',
        'secret',
        '*.secret',
        'secrets',
        '*.secrets',
      ],
      censor: '[redacted]',
    },
  });
}

/**
 * Nest's own messages (bootstrap, unhandled errors) through the process's pino logger.
 * A plain adapter, not nestjs-pino: that one keeps a per-request AsyncLocalStorage, whose
 * promise hooks cost every promise in the process CPU time (see docs/benchmarks.md).
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

/** One log line per request (not for /health or /metrics, which are polled), only when the level is info or lower. */
export function logRequests(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    if (request.url !== '/health' && request.url !== '/metrics') {
      const line = {
        req: { method: request.method, url: request.url, remoteAddress: request.ip },
        res: { statusCode: reply.statusCode },
        responseTime: Math.round(reply.elapsedTime * 10) / 10,
        traceId: request.trace?.traceId,
      };
      if (reply.statusCode >= 500) logger.error(line, 'request errored');
      else logger.info(line, 'request completed');
    }
    done();
  });
}
