import { cleanUpRun } from '../cleanup';
import { currentRunId } from '../isolation';

/** Removes the databases and topics this run created. */
export default async function globalTeardown(): Promise<void> {
  await cleanUpRun(currentRunId(), process.env.DATABASE_URL as string, process.env.KAFKA_BROKERS as string);
}
