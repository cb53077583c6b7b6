/**
 * Where a Payhook process finds Kafka. `@platformatic/kafka` has no shared client object:
 * each producer, consumer and admin is built from these settings (see producer.ts,
 * consumer.ts, admin.ts), and the rest of Payhook talks to this package only.
 */
export interface KafkaSettings {
  /** Comma-separated or array of host:port. */
  brokers: string | string[];
  clientId: string;
  /** Receives the adapter's own warnings and errors (default: JSON lines on stderr). */
  log?: KafkaLog;
  connectionTimeoutMs?: number;
}

export type KafkaLog = (level: 'debug' | 'info' | 'warn' | 'error', message: string, extra: Record<string, unknown>) => void;

/** Settings with their defaults applied, handed to every client of one process. */
export interface KafkaCluster {
  clientId: string;
  bootstrapBrokers: string[];
  connectTimeout: number;
  log: KafkaLog;
}

export function parseBrokers(brokers: string | string[]): string[] {
  const list = Array.isArray(brokers) ? brokers : brokers.split(',');
  return list.map((b) => b.trim()).filter((b) => b.length > 0);
}

function defaultLog(level: string, message: string, extra: Record<string, unknown>): void {
  process.stderr.write(`${JSON.stringify({ level, msg: message, component: 'kafka', ...extra })}\n`);
}

export function createKafka(settings: KafkaSettings): KafkaCluster {
  return {
    clientId: settings.clientId,
    bootstrapBrokers: parseBrokers(settings.brokers),
    connectTimeout: settings.connectionTimeoutMs ?? 3000,
    log: settings.log ?? defaultLog,
  };
}

/** What a client needs from the settings; `retries` and `retryDelay` are per kind of client. */
export function clientOptions(cluster: KafkaCluster, suffix: string): { clientId: string; bootstrapBrokers: string[]; connectTimeout: number } {
  return { clientId: `${cluster.clientId}.${suffix}`, bootstrapBrokers: cluster.bootstrapBrokers, connectTimeout: cluster.connectTimeout };
}
