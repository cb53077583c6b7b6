import { disconnectWithin, DISCONNECT_DEADLINE_MS } from './disconnect-within';
import { CompressionTypes, Partitioners, type Kafka, type Producer } from 'kafkajs';

export interface OutgoingMessage {
  /** Messages with one key land on one partition, in the order they were sent. */
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
}

/**
 * Idempotent producer with acks=all: a retried send never writes a message twice
 * and a send only resolves once every in-sync replica has it.
 *
 * After a failed send the kafkajs producer is thrown away and a fresh one (with a new
 * producer id and sequence numbers) is connected on the next send: a producer that lived
 * through a broker outage can otherwise stay stuck on stale metadata or sequence state.
 */
export class MessageProducer {
  private connecting: Promise<Producer> | undefined;

  constructor(private readonly kafka: Kafka) {}

  async connect(): Promise<void> {
    await this.current();
  }

  async disconnect(): Promise<void> {
    const producer = await this.connecting?.catch(() => undefined);
    this.connecting = undefined;
    if (producer) await disconnectWithin(() => producer.disconnect(), DISCONNECT_DEADLINE_MS);
  }

  /** Sends all messages to one topic in a single request; resolves when all are acknowledged. */
  async send(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.current();
    try {
      await producer.send({
        topic,
        acks: -1,
        compression: CompressionTypes.None,
        messages: messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers })),
      });
    } catch (error) {
      await this.disconnect();
      throw error;
    }
  }

  private current(): Promise<Producer> {
    if (!this.connecting) {
      const producer = this.kafka.producer({
        idempotent: true,
        // kafkajs keeps per-partition order under retries only with one request in flight.
        maxInFlightRequests: 1,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 2000 },
      });
      this.connecting = producer.connect().then(
        () => producer,
        async (error: unknown) => {
          this.connecting = undefined;
          await producer.disconnect().catch(() => undefined);
          throw error;
        },
      );
    }
    return this.connecting;
  }
}
