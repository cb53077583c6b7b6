import { createKafka, MessagingAdmin } from '@payhook/messaging';
import { testDatabasePrefix } from './isolation';
import { dropDatabases } from './postgres';

/** Drops the databases and deletes the topics a run created (they all carry its id). */
export async function cleanUpRun(runId: string, databaseUrl: string, brokers: string): Promise<void> {
  await dropDatabases(databaseUrl, testDatabasePrefix(runId));
  const admin = new MessagingAdmin(createKafka({ brokers, clientId: 'payhook-cleanup', log: () => undefined }));
  try {
    const topics = (await admin.listTopics()).filter((t) => t.endsWith(`.${runId}`));
    await admin.deleteTopics(topics);
  } finally {
    await admin.disconnect();
  }
}
