import { disconnectWithin, DISCONNECT_DEADLINE_MS } from './disconnect-within';
import type { Admin, Kafka } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  partitions?: number;
  /** Topic settings such as `max.message.bytes`, applied when the topic is created. */
  config?: Record<string, string>;
}

/** Topic management and the broker liveness probe used by health checks. */
export class MessagingAdmin {
  private readonly admin: Admin;
  private connected = false;

  constructor(kafka: Kafka) {
    this.admin = kafka.admin({ retry: { retries: 2, initialRetryTime: 200 } });
  }

  private async ensureConnected(): Promise<Admin> {
    if (!this.connected) {
      await this.admin.connect();
      this.connected = true;
    }
    return this.admin;
  }

  /** Creates the topics that do not exist yet (the broker never auto-creates them). */
  async ensureTopics(topics: TopicSpec[]): Promise<void> {
    const admin = await this.ensureConnected();
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length === 0) return;
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((t) => ({
          topic: t.topic,
          numPartitions: t.partitions ?? 3,
          replicationFactor: 1,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({ name, value })),
        })),
      });
    } catch (error) {
      // Another process may have created it between the list and the create.
      if (!(error instanceof Error && /already exists/i.test(error.message))) throw error;
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    if (topics.length === 0) return;
    const admin = await this.ensureConnected();
    await admin.deleteTopics({ topics });
  }

  async listTopics(): Promise<string[]> {
    return (await this.ensureConnected()).listTopics();
  }

  /** Resolves with the broker count, rejects when no broker answers in time. */
  async ping(timeoutMs = 3000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const admin = await Promise.race([this.ensureConnected(), timeout]);
      const cluster = await Promise.race([admin.describeCluster(), timeout]);
      return cluster.brokers.length;
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
    const admin = await this.ensureConnected();
    const [entry] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, p.offset]));
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await disconnectWithin(() => this.admin.disconnect(), DISCONNECT_DEADLINE_MS);
  }
}
