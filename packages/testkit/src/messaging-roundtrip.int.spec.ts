import { createKafka, MessageConsumer, MessageProducer, MessagingAdmin } from '@payhook/messaging';
import { Client } from 'pg';
import { testDatabaseName, testTopic } from './isolation';
import { testDatabaseUrl, withAdminClient } from './postgres';
import { waitFor } from './wait';

// Round trip through the real broker and real Postgres, the way every Payhook consumer
// works: the handler writes rows in one transaction, and only then is the offset committed.
describe('messaging adapter on real Kafka and Postgres', () => {
  const serverUrl = process.env.DATABASE_URL as string;
  const brokers = process.env.KAFKA_BROKERS as string;
  const kafka = createKafka({ brokers, clientId: 'roundtrip-test', log: () => undefined });
  const admin = new MessagingAdmin(kafka);
  const producer = new MessageProducer(kafka);
  let db: Client;

  beforeAll(async () => {
    const name = testDatabaseName('roundtrip');
    await withAdminClient(serverUrl, (c) => c.query(`CREATE DATABASE "${name}"`));
    db = new Client({ connectionString: testDatabaseUrl(name, serverUrl) });
    await db.connect();
    await db.query('CREATE TABLE received (message_id text PRIMARY KEY, body text NOT NULL)');
    await producer.connect();
  });

  /** The group's committed offsets, and the messages they cover over every partition (one not committed yet counts 0). */
  const committed = async (groupId: string, topic: string) => {
    const offsets = await admin.committedOffsets(groupId, topic);
    return { offsets, total: [...offsets.values()].reduce((sum, o) => sum + Math.max(0, Number(o)), 0) };
  };

  afterAll(async () => {
    await producer.disconnect();
    await admin.disconnect();
    await db.end();
  });

  it('delivers every message to a handler that commits rows before the offset moves on', async () => {
    const topic = testTopic('roundtrip');
    const groupId = `${topic}.group`;
    await admin.ensureTopics([{ topic, partitions: 3 }]);
    const sent = Array.from({ length: 30 }, (_, i) => ({
      key: `payment-${i % 5}`,
      value: JSON.stringify({ n: i }),
      headers: { 'message-id': `m-${i}` },
    }));
    await producer.send(topic, sent);

    let failuresLeft = 1;
    const partitionsSeen = new Set<number>();
    const consumer = new MessageConsumer(kafka, {
      groupId,
      topics: [topic],
      handler: async (messages) => {
        await db.query('BEGIN');
        try {
          for (const m of messages) {
            partitionsSeen.add(m.partition);
            await db.query('INSERT INTO received VALUES ($1, $2) ON CONFLICT DO NOTHING', [
              m.headers['message-id'],
              m.value?.toString(),
            ]);
          }
          // The first batch fails after writing: it must roll back and come again.
          if (failuresLeft-- > 0) throw new Error('injected failure');
          await db.query('COMMIT');
        } catch (error) {
          await db.query('ROLLBACK');
          throw error;
        }
      },
      onFatalError: (error) => {
        throw error;
      },
    });
    await consumer.start();
    try {
      await waitFor(
        async () => (await db.query('SELECT count(*)::int AS n FROM received')).rows[0].n === sent.length,
        { timeoutMs: 30_000, description: 'all 30 messages in Postgres' },
      );
      const rows = await db.query('SELECT message_id, body FROM received ORDER BY message_id');
      expect(rows.rows.map((r) => r.message_id).sort()).toEqual(sent.map((m) => m.headers['message-id']).sort());
      expect(rows.rows.find((r) => r.message_id === 'm-7')?.body).toBe('{"n":7}');

      // Committed offsets add up to the number of messages: nothing skipped, nothing ahead.
      const { offsets } = await waitFor(
        async () => {
          const now = await committed(groupId, topic);
          return now.total === sent.length ? now : undefined;
        },
        { timeoutMs: 10_000, description: 'committed offsets to cover all messages' },
      );
      // An offset for every partition that had messages (the keys' partitions), and no other.
      expect(new Set(offsets.keys())).toEqual(partitionsSeen);
    } finally {
      await consumer.stop();
    }
  });

  it('commits the offsets of handled batches together, at its interval or on stop', async () => {
    const topic = testTopic('interval');
    const groupId = `${topic}.group`;
    await admin.ensureTopics([{ topic, partitions: 3 }]);
    const sent = Array.from({ length: 12 }, (_, i) => ({ key: `payment-${i % 4}`, value: String(i) }));
    await producer.send(topic, sent);
    let handled = 0;
    const consumer = new MessageConsumer(kafka, {
      groupId,
      topics: [topic],
      commitIntervalMs: 60_000,
      handler: async (messages) => {
        handled += messages.length;
      },
      onFatalError: (error) => {
        throw error;
      },
    });
    await consumer.start();
    let stopped = false;
    try {
      await waitFor(() => handled === sent.length, { timeoutMs: 30_000, description: 'all 12 messages handled' });
      // Handled, but the interval has not come: nothing committed yet.
      expect((await committed(groupId, topic)).total).toBe(0);
      await consumer.stop();
      stopped = true;
      expect((await committed(groupId, topic)).total).toBe(sent.length);
    } finally {
      if (!stopped) await consumer.stop();
    }
  });
});
