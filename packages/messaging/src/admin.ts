import { Admin } from '@platformatic/kafka';
import { disconnectWithin, DISCONNECT_DEADLINE_MS } from './disconnect-within';
import { clientOptions, type KafkaCluster } from './kafka-client';
import { hasKafkaError } from './kafka-errors';

const ALREADY_EXISTS = new Set(['TOPIC_ALREADY_EXISTS']);
/** ListOffsets' timestamp for "the next offset to be written". */
const LATEST = -1n;

export interface TopicSpec {
  topic: string;
  partitions?: number;
  /** Topic settings such as `max.message.bytes`, applied when the topic is created. */
  config?: Record<string, string>;
}

/** Topic management and the broker liveness probe used by health checks. */
export class MessagingAdmin {
  private admin: Admin | undefined;

  constructor(private readonly cluster: KafkaCluster) {}

  private client(): Admin {
    this.admin ??= new Admin({ ...clientOptions(this.cluster, 'admin'), retries: 2, retryDelay: 200 });
    return this.admin;
  }

  /** Creates the topics that do not exist yet (the broker never auto-creates them). */
  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    const existing = new Set(await this.listTopics());
    for (const spec of topics.filter((t) => !existing.has(t.topic))) {
      try {
        await this.client().createTopics({
          topics: [spec.topic],
          partitions: spec.partitions ?? 3,
          replicas: 1,
          configs: Object.entries(spec.config ?? {}).map(([name, value]) => ({ name, value })),
        });
      } catch (error) {
        // Another process may have created it between the list and the create.
        if (!hasKafkaError(error, ALREADY_EXISTS)) throw error;
      }
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    if (topics.length === 0) return;
    await this.client().deleteTopics({ topics });
  }

  async listTopics(): Promise<string[]> {
    return this.client().listTopics();
  }

  /** Resolves with the broker count, rejects when no broker answers in time. */
  async ping(timeoutMs = 3000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const metadata = await Promise.race([this.client().metadata({ topics: [], forceUpdate: true }), timeout]);
      return metadata.brokers.size;
    } catch (error) {
      // A failed probe leaves no half-open connection behind for the next one.
      await this.disconnect();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Committed offsets of a group, per partition: used by tests and lag reports. */
  async committedOffsets(groupId: string, topic: string): Promise<Map<number, string>> {
    const [group] = await this.client().listConsumerGroupOffsets({ groups: [groupId] });
    const partitions = group?.topics.find((t) => t.name === topic)?.partitions ?? [];
    return new Map(partitions.map((p) => [p.partitionIndex, p.committedOffset.toString()]));
  }

  /** Messages on the topic that the group has not committed yet, over every partition. */
  async lag(groupId: string, topic: string): Promise<number> {
    const metadata = await this.client().metadata({ topics: [topic] });
    const partitions = metadata.topics.get(topic)?.partitionsCount ?? 0;
    const [ends, committed] = await Promise.all([
      this.client().listOffsets({ topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp: LATEST })) }] }),
      this.committedOffsets(groupId, topic),
    ]);
    let lag = 0n;
    for (const partition of ends[0]?.partitions ?? []) {
      const done = BigInt(committed.get(partition.partitionIndex) ?? '-1');
      lag += partition.offset - (done < 0n ? 0n : done);
    }
    return Number(lag);
  }

  async disconnect(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await disconnectWithin(() => admin.close(), DISCONNECT_DEADLINE_MS);
  }
}
