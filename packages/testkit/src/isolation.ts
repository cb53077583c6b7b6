import { randomBytes } from 'node:crypto';

/**
 * Every test run gets an id; its databases and topics carry it, so two runs on one
 * machine never share state and teardown removes exactly what the run made.
 */
export function newRunId(): string {
  return `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

export function currentRunId(): string {
  const id = process.env.PAYHOOK_TEST_RUN_ID;
  if (!id) throw new Error('PAYHOOK_TEST_RUN_ID is not set: run tests through jest with the testkit global setup');
  return id;
}

/** Database name for this run, e.g. `payhook_t1abc_payments`. */
export function testDatabaseName(label: string, runId: string = currentRunId()): string {
  return `payhook_${runId}_${label}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

export function testDatabasePrefix(runId: string = currentRunId()): string {
  return `payhook_${runId}_`.toLowerCase();
}

/** Topic name for this run, e.g. `payments.events.v1.t1abc`. */
export function testTopic(base: string, runId: string = currentRunId()): string {
  return `${base}.${runId}`;
}
