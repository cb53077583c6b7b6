import { compatibilityPartitioner, ProduceAcks, Producer, stringSerializers } from '@platformatic/kafka';
import { disconnectWithin, DISCONNECT_DEADLINE_MS } from './disconnect-within';
import { clientOptions, type KafkaCluster } from './kafka-client';

export interface OutgoingMessage {
  /** Messages with one key land on one partition, in the order they were sent. */
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
}

type KafkaProducer = Producer<string, Buffer, string, string>;

/**
 * Idempotent producer with acks=all: a retried send never writes a message twice
 * and a send only resolves once every in-sync replica has it.
 *
 * After a failed send the client is closed and a fresh one (with a new producer id and
 * sequence numbers) is made on the next send: a producer that lived through a broker outage
 * can otherwise stay stuck on stale metadata or sequence state.
 */
export class MessageProducer {
  private producer: KafkaProducer | undefined;

  constructor(private readonly cluster: KafkaCluster) {}

  /** Fetches the cluster's metadata now, so that a missing broker shows at start-up. */
  async connect(): Promise<void> {
    await this.current().metadata({ topics: [] });
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await disconnectWithin(() => producer.close(), DISCONNECT_DEADLINE_MS);
  }

  /** Sends all messages to one topic in a single request; resolves when all are acknowledged. */
  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = this.current();
    try {
      await producer.send({
        messages: messages.map((m) => ({
          topic,
          key: m.key,
          value: typeof m.value === 'string' ? Buffer.from(m.value) : m.value,
          headers: m.headers,
        })),
      });
    } catch (error) {
      await this.disconnect();
      throw error;
    }
  }

  private current(): KafkaProducer {
    this.producer ??= new Producer({
      ...clientOptions(this.cluster, 'producer'),
      idempotent: true,
      acks: ProduceAcks.ALL,
      // Keys go to the partitions the Java client (and kafkajs before) chose for them.
      partitioner: compatibilityPartitioner,
      serializers: { key: stringSerializers.key, headerKey: stringSerializers.headerKey, headerValue: stringSerializers.headerValue },
      // A few quick retries; past them the caller (the relay) backs off and tries again.
      retries: 5,
      retryDelay: 300,
      requestTimeout: 15_000,
    });
    return this.producer;
  }
}
