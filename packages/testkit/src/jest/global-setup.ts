import { ensureKafka } from '../kafka';
import { DEFAULT_DATABASE_URL, postgresAnswers } from '../postgres';
import { newRunId } from '../isolation';

/**
 * Jest global setup for integration tests: real Postgres (DATABASE_URL or the local
 * default) and real Kafka (KAFKA_BROKERS when it answers, else the project's own broker).
 * The variables set here reach every test worker.
 */
export default async function globalSetup(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  if (!(await postgresAnswers(databaseUrl))) {
    throw new Error(`integration tests need Postgres: nothing answers at DATABASE_URL=${databaseUrl}`);
  }
  const kafka = await ensureKafka();
  process.env.DATABASE_URL = databaseUrl;
  process.env.KAFKA_BROKERS = kafka.brokers;
  process.env.PAYHOOK_TEST_RUN_ID ??= newRunId();
  process.stdout.write(
    `\n[testkit] run ${process.env.PAYHOOK_TEST_RUN_ID} on Node ${process.version}: Postgres ${databaseUrl}, Kafka ${kafka.brokers}` +
      `${kafka.started ? ' (started by the tests; `npm run kafka:stop` stops it)' : ''}\n`,
  );
}
