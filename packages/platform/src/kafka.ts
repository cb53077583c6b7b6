import { createKafka, MessagingAdmin, type KafkaCluster, type TopicSpec } from '@payhook/messaging';
import type { Logger } from 'pino';
import { StartupError } from './startup';

export interface KafkaConnection {
  kafka: KafkaCluster;
  admin: MessagingAdmin;
}

/**
 * Builds the app's Kafka settings with the adapter's logs routed to pino, checks that a broker
 * answers, and creates the app's topics. An unreachable broker stops start-up with a line
 * naming KAFKA_BROKERS.
 */
export async function connectKafka(options: {
  brokers: string;
  clientId: string;
  logger: Logger;
  topics?: TopicSpec[];
}): Promise<KafkaConnection> {
  const logger = options.logger.child({ component: 'kafka' });
  // Until the first answer, connection errors are summed up in one StartupError line.
  let probing = true;
  const kafka = createKafka({
    brokers: options.brokers,
    clientId: options.clientId,
    log: (level, message, extra) => {
      if (!probing) logger[level](extra, message);
    },
  });
  const admin = new MessagingAdmin(kafka);
  try {
    await admin.ping(5000);
    await admin.ensureTopics(options.topics ?? []);
    probing = false;
  } catch (error) {
    await admin.disconnect();
    const reason = error instanceof Error ? error.message : String(error);
    throw new StartupError(`cannot reach Kafka at KAFKA_BROKERS=${options.brokers} (${reason})`);
  }
  return { kafka, admin };
}
