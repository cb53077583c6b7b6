import { createKafka, MessagingAdmin } from '@payhook/messaging';
import { dropDatabases } from '../postgres';
import { currentRunId, testDatabasePrefix } from '../isolation';

/** Removes the databases and topics this run created. */
export default async function globalTeardown(): Promise<void> {
  const runId = currentRunId();
  await dropDatabases(process.env.DATABASE_URL as string, testDatabasePrefix(runId));
  const admin = new MessagingAdmin(
    createKafka({ brokers: process.env.KAFKA_BROKERS as string, clientId: 'payhook-teardown', log: () => undefined }),
  );
  try {
    const topics = (await admin.listTopics()).filter((t) => t.endsWith(`.${runId}`));
    await admin.deleteTopics(topics);
  } finally {
    await admin.disconnect();
  }
}
