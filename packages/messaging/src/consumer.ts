import { Consumer, MessagesStreamFallbackModes, MessagesStreamModes, type Message, type MessagesStream } from '@platformatic/kafka';
import { disconnectWithin, DISCONNECT_DEADLINE_MS } from './disconnect-within';
import { clientOptions, type KafkaCluster } from './kafka-client';
import { SliceReader } from './slice-reader';

export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Milliseconds since the epoch, as a string. */
  timestamp: string;
}

/**
 * Processes messages durably (for example in one database transaction) and idempotently.
 * Offsets are committed only after it resolves; if it throws, the same messages are handed
 * to it again, and after a crash or a rebalance the messages since the last commit are.
 */
export type BatchHandler = (messages: IncomingMessage[]) => Promise<void>;

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  handler: BatchHandler;
  /** Largest number of fetched messages handed to the handler at once (default 500). */
  maxMessagesPerCall?: number;
  /** Where a group with no committed offset starts: the oldest message (default) or the next one. */
  fromBeginning?: boolean;
  /**
   * Called when the client gives up on the consumer (an error it will not retry).
   * Default: log and exit the process, so a supervisor restarts it instead of it hanging.
   */
  onFatalError?: (error: Error) => void;
  sessionTimeoutMs?: number;
  /**
   * Offsets of handled messages are committed at most this often (default 100 ms), many
   * batches in one request: a commit per batch cost the broker and the consumer more than
   * the fetches did, and the handler is idempotent, so a crash costs only the re-handling
   * of the last interval's messages.
   */
  commitIntervalMs?: number;
}

type KafkaMessage = Message<Buffer, Buffer, Buffer, Buffer>;

/** Longest wait between two tries of a failing handler. */
const MAX_RETRY_DELAY_MS = 30_000;
const COMMIT_INTERVAL_MS = 100;

function toIncoming(message: KafkaMessage): IncomingMessage {
  const headers: Record<string, string> = {};
  for (const [name, value] of message.headers) {
    if (name === undefined || name === null) continue;
    headers[name.toString()] = value ? value.toString() : '';
  }
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset.toString(),
    key: message.key ? message.key.toString() : null,
    value: message.value ?? null,
    headers,
    timestamp: message.timestamp.toString(),
  };
}

function defaultFatal(error: Error): void {
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: 'Kafka consumer crashed', error: error.message })}\n`);
  process.exit(1);
}

/**
 * A consumer-group member with manual commits: it reads what has been fetched (up to
 * `maxMessagesPerCall`), calls the handler, and only then marks, per partition, the offset
 * after the last message handled for the next commit (every `commitIntervalMs`, and on
 * stop), so an offset never gets ahead of durable work. A handler that throws gets the
 * same messages again, after a growing pause.
 */
export class MessageConsumer {
  private readonly consumer: Consumer<Buffer, Buffer, Buffer, Buffer>;
  private stream: MessagesStream<Buffer, Buffer, Buffer, Buffer> | undefined;
  private running: Promise<void> | undefined;
  /** The handler call and commit in progress, which stop waits for. */
  private busy: Promise<unknown> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  /** Per partition, the last message handled and not committed yet (one per partition, so bounded). */
  private readonly handled = new Map<string, KafkaMessage>();
  private commitTimer: NodeJS.Timeout | undefined;
  private committing: Promise<void> | undefined;

  constructor(
    private readonly cluster: KafkaCluster,
    private readonly options: ConsumerOptions,
  ) {
    this.consumer = new Consumer({
      ...clientOptions(cluster, 'consumer'),
      groupId: options.groupId,
      autocommit: false,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: 3000,
      maxWaitTime: 2000,
      // Network errors are retried for as long as it takes (a broker restart is not fatal);
      // an error the client will not retry ends the stream and calls onFatalError.
      retries: true,
      retryDelay: 1000,
    });
  }

  async start(): Promise<void> {
    const fatal = this.options.onFatalError ?? defaultFatal;
    const stream = await this.consumer.consume({
      topics: this.options.topics,
      mode: MessagesStreamModes.COMMITTED,
      fallbackMode: this.options.fromBeginning === false ? MessagesStreamFallbackModes.LATEST : MessagesStreamFallbackModes.EARLIEST,
      autocommit: false,
    });
    this.stream = stream;
    this.running = this.run(stream).catch((error: unknown) => {
      if (!this.stopping) fatal(error instanceof Error ? error : new Error(String(error)));
    });
  }

  /** Waits for the batch in flight (its offsets get committed), but not forever. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await disconnectWithin(async () => void (await this.busy), 2 * DISCONNECT_DEADLINE_MS);
    clearTimeout(this.commitTimer);
    await disconnectWithin(() => this.commit(), DISCONNECT_DEADLINE_MS);
    await disconnectWithin(() => this.consumer.close(true), DISCONNECT_DEADLINE_MS);
    this.stream?.destroy();
    await this.running;
  }

  private async run(stream: MessagesStream<Buffer, Buffer, Buffer, Buffer>): Promise<void> {
    const sliceSize = this.options.maxMessagesPerCall ?? 500;
    const reader = new SliceReader<KafkaMessage>(stream);
    for (;;) {
      const slice = await reader.next(sliceSize);
      if (slice === null || this.stopping) return;
      this.busy = this.handle(slice);
      await this.busy;
      this.busy = undefined;
    }
  }

  private async handle(slice: KafkaMessage[]): Promise<void> {
    const messages = slice.map(toIncoming);
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.handler(messages);
        break;
      } catch (error) {
        if (this.stopping) return; // not committed: the next member of the group gets them
        const delay = Math.min(MAX_RETRY_DELAY_MS, 250 * 2 ** Math.min(attempt, 10));
        this.cluster.log('warn', 'message handler failed; the same messages come again', { error: String(error), attempt, delayMs: delay });
        await this.pause(delay);
        if (this.stopping) return;
      }
    }
    for (const message of slice) this.handled.set(`${message.topic}:${message.partition}`, message);
    if (this.commitTimer) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = undefined;
      void this.commit();
    }, this.options.commitIntervalMs ?? COMMIT_INTERVAL_MS);
    this.commitTimer.unref();
  }

  /**
   * Commits, per partition, the offset after the last message handled, through the message
   * itself so that the stream records it too. One commit at a time: the next takes what
   * was handled meanwhile.
   */
  private async commit(): Promise<void> {
    while (this.committing) await this.committing;
    if (this.handled.size === 0) return;
    const last = [...this.handled.values()];
    this.handled.clear();
    this.committing = Promise.all(last.map((message) => message.commit()))
      .then(() => undefined)
      .catch((error: unknown) => {
        // A rebalance took the partition away: its new owner reads from the last commit and
        // the handler, which is idempotent, sees these messages again.
        this.cluster.log('warn', 'offset commit refused; the messages will be handled again', { error: String(error) });
      })
      .finally(() => {
        this.committing = undefined;
      });
    await this.committing;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
