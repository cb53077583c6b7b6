import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createKafka, MessagingAdmin } from '@payhook/messaging';
import { repoRoot } from './repo';

export const DEFAULT_BROKERS = '127.0.0.1:9092';

/** True when something accepts a TCP connection at host:port. */
function portOpen(hostPort: string, timeoutMs: number): Promise<boolean> {
  const [host, port] = [hostPort.slice(0, hostPort.lastIndexOf(':')), Number(hostPort.slice(hostPort.lastIndexOf(':') + 1))];
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** True when a broker at `brokers` answers describeCluster. */
export async function kafkaAnswers(brokers: string, timeoutMs = 3000): Promise<boolean> {
  // A closed port is answered at once without the Kafka client, whose connect retries would
  // otherwise outlive the probe (and could connect later, keeping the process alive).
  const first = brokers.split(',')[0].trim();
  if (!(await portOpen(first, timeoutMs))) return false;
  const admin = new MessagingAdmin(createKafka({ brokers, clientId: 'payhook-probe', log: () => undefined }));
  try {
    await admin.ping(timeoutMs);
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect();
  }
}

/** Where and how a broker runs: the defaults are the project's shared broker. */
export interface BrokerSpec {
  port?: number;
  controllerPort?: number;
  /** Data, logs and pid of this broker (jars are shared). */
  homeDir?: string;
}

function runKafkaScript(command: 'start' | 'stop' | 'kill', broker: BrokerSpec = {}): Promise<void> {
  const env: Record<string, string> = {};
  if (broker.port) env.KAFKA_PORT = String(broker.port);
  if (broker.controllerPort) env.KAFKA_CONTROLLER_PORT = String(broker.controllerPort);
  if (broker.homeDir) env.KAFKA_HOME_DIR = broker.homeDir;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [join(repoRoot(), 'infra', 'kafka', 'kafka.sh'), command], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, ...env },
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`kafka.sh ${command} exited with ${code}`))));
  });
}

/**
 * Uses the broker at `brokers` when it answers; otherwise starts the project's own
 * single-node Kafka (infra/kafka/kafka.sh) on 127.0.0.1:9092.
 */
export async function ensureKafka(brokers: string = process.env.KAFKA_BROKERS ?? DEFAULT_BROKERS): Promise<{ brokers: string; started: boolean }> {
  if (await kafkaAnswers(brokers)) return { brokers, started: false };
  await runKafkaScript('start');
  return { brokers: DEFAULT_BROKERS, started: true };
}

export function stopKafka(broker?: BrokerSpec): Promise<void> {
  return runKafkaScript('stop', broker);
}

/** SIGKILL to a broker of its own (a crash); startKafka brings it back with its data. */
export function killKafka(broker: BrokerSpec): Promise<void> {
  return runKafkaScript('kill', broker);
}

/** Starts (or restarts, keeping its data) a broker of its own: for tests that take Kafka away. */
export function startKafka(broker: BrokerSpec): Promise<void> {
  return runKafkaScript('start', broker);
}
