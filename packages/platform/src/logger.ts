import pino, { type Logger } from 'pino';

/**
 * One JSON logger per process. Authorization headers, secrets and signatures are
 * redacted wherever they appear in a logged object.
 */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
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
