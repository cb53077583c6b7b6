import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import { applyRequestQueueFix } from './request-queue-fix';

/** The only place that builds a kafkajs client: the rest of Payhook talks to this package. */
export interface KafkaSettings {
  /** Comma-separated or array of host:port. */
  brokers: string | string[];
  clientId: string;
  /** Receives kafkajs' own warnings and errors (default: JSON lines on stderr). */
  log?: (level: 'debug' | 'info' | 'warn' | 'error', message: string, extra: Record<string, unknown>) => void;
  connectionTimeoutMs?: number;
}

export function parseBrokers(brokers: string | string[]): string[] {
  const list = Array.isArray(brokers) ? brokers : brokers.split(',');
  return list.map((b) => b.trim()).filter((b) => b.length > 0);
}

const LEVELS: Record<number, 'debug' | 'info' | 'warn' | 'error'> = {
  [KafkaLogLevel.ERROR]: 'error',
  [KafkaLogLevel.WARN]: 'warn',
  [KafkaLogLevel.INFO]: 'info',
  [KafkaLogLevel.DEBUG]: 'debug',
};

function defaultLog(level: string, message: string, extra: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level, msg: message, component: 'kafka', ...extra })}\n`);
}

export function createKafka(settings: KafkaSettings): Kafka {
  applyRequestQueueFix();
  const log = settings.log ?? defaultLog;
  return new Kafka({
    clientId: settings.clientId,
    brokers: parseBrokers(settings.brokers),
    connectionTimeout: settings.connectionTimeoutMs ?? 3000,
    logLevel: KafkaLogLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...extra } = entry;
        log(LEVELS[level] ?? 'info', message, extra);
      },
  });
}
