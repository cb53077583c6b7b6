import { disconnectWithin, DISCONNECT_DEADLINE_MS } from './disconnect-within';
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  timestamp: string;
}

export interface BatchContext {
  /** Call during long work so the group does not consider this member dead. */
  heartbeat(): Promise<void>;
}

/**
 * Processes messages durably (for example in one database transaction). Offsets are
 * committed only after it resolves; if it throws, the same messages come again.
 */
export type BatchHandler = (messages: IncomingMessage[], context: BatchContext) => Promise<void>;

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  handler: BatchHandler;
  /** Largest slice of a fetched batch handed to the handler at once (default 500). */
  maxMessagesPerCall?: number;
  fromBeginning?: boolean;
  /**
   * Called when kafkajs gives up on the consumer (a CRASH it will not restart from).
   * Default: log and exit the process, so a supervisor restarts it instead of it hanging.
   */
  onFatalError?: (error: Error) => void;
  sessionTimeoutMs?: number;
}

function headersOf(message: KafkaMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return headers;
}

function defaultFatal(error: Error): void {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'Kafka consumer crashed', error: error.message })}\n`);
  process.exit(1);
}

/**
 * A consumer-group member with `autoCommit: false`: for each slice of a batch it calls the
 * handler and then commits `lastOffset + 1`, so an offset never gets ahead of durable work.
 */
export class MessageConsumer {
  private readonly consumer: Consumer;

  constructor(
    kafka: Kafka,
    private readonly options: ConsumerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30000,
      heartbeatInterval: 3000,
      retry: { retries: 8 },
    });
    const fatal = options.onFatalError ?? defaultFatal;
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      // kafkajs restarts by itself after retriable errors; the rest would leave us hanging.
      if (!event.payload.restart) fatal(event.payload.error);
    });
  }

  async start(): Promise<void> {
    const sliceSize = this.options.maxMessagesPerCall ?? 500;
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        for (let start = 0; start < batch.messages.length; start += sliceSize) {
          if (!isRunning() || isStale()) return;
          const slice = batch.messages.slice(start, start + sliceSize);
          const messages = slice.map((m) => ({
            topic: batch.topic,
            partition: batch.partition,
            offset: m.offset,
            key: m.key ? m.key.toString() : null,
            value: m.value,
            headers: headersOf(m),
            timestamp: m.timestamp,
          }));
          await this.options.handler(messages, { heartbeat });
          const last = slice[slice.length - 1].offset;
          await this.consumer.commitOffsets([
            { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
          ]);
          resolveOffset(last);
          await heartbeat();
        }
      },
    });
  }

  /** Waits for the batch in flight (its offsets get committed), but not forever. */
  stop(): Promise<void> {
    return disconnectWithin(() => this.consumer.disconnect(), 3 * DISCONNECT_DEADLINE_MS);
  }
}
