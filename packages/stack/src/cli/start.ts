import { join } from 'node:path';
import { AppProcess, ensureKafka, repoRoot, stopKafka, type AppName } from '@payhook/testkit';
import { stackEnvironment } from '@payhook/cli/settings';
import { demoJourney } from './demo-journey';

/** `npm start`: Kafka (started if needed), then the three apps and the console, until Ctrl-C. */
const APPS: Array<{ app: AppName; portVariable: string }> = [
  { app: 'payment-service', portVariable: 'PAYMENT_SERVICE_PORT' },
  { app: 'webhook-dispatcher', portVariable: 'WEBHOOK_DISPATCHER_PORT' },
  { app: 'order-service', portVariable: 'ORDER_SERVICE_PORT' },
];

function say(line: string): void {
  process.stdout.write(`[payhook] ${line}\n`);
}

async function main(): Promise<void> {
  const root = repoRoot();
  const env = stackEnvironment(root);
  const kafka = await ensureKafka(env.KAFKA_BROKERS);
  env.KAFKA_BROKERS = kafka.brokers;
  say(`Kafka on ${kafka.brokers}${kafka.started ? ' (started now; stops with the stack)' : ' (already running)'}`);

  const processes = APPS.map(({ app, portVariable }) => {
    const baseUrl = `http://127.0.0.1:${env[portVariable]}`;
    return new AppProcess({ app, env, baseUrl, output: join(root, '.payhook', 'logs', `${app}.log`) });
  });
  // The web console, last: it proxies to the three apps.
  const consoleUrl = `http://127.0.0.1:${env.CONSOLE_PORT}`;
  processes.push(
    new AppProcess({ app: 'console', env: { ORDER_SERVICE_URL: `http://127.0.0.1:${env.ORDER_SERVICE_PORT}`, ...env }, baseUrl: consoleUrl, output: join(root, '.payhook', 'logs', 'console.log') }),
  );

  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping…');
    await Promise.allSettled(processes.map((p) => p.stop()));
    if (kafka.started) await stopKafka();
    say('stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    // Started one after another: the dispatcher and order-service depend on the apps before them.
    for (const p of processes) {
      await p.start();
      if (p.options.app === 'console') say(`${'console'.padEnd(19)} ${consoleUrl}  (the web console: enter DISPATCHER_API_KEY from .env.example)`);
      else say(`${p.options.app.padEnd(19)} ${p.options.baseUrl}  (health ${p.options.baseUrl}/health, API docs ${p.options.baseUrl}/docs)`);
    }
  } catch (error) {
    say(`start failed: ${error instanceof Error ? error.message : String(error)}; logs are in .payhook/logs/`);
    await shutdown(1);
    return;
  }
  say('the stack is up; placing a demo order:');
  const url = (portVariable: string) => `http://127.0.0.1:${env[portVariable]}`;
  try {
    await demoJourney(
      {
        payments: url('PAYMENT_SERVICE_PORT'),
        dispatcher: url('WEBHOOK_DISPATCHER_PORT'),
        orders: url('ORDER_SERVICE_PORT'),
        paymentApiKey: env.PAYMENT_API_KEY,
        dispatcherApiKey: env.DISPATCHER_API_KEY,
        orderWebhookUrl: env.ORDER_WEBHOOK_URL,
      },
      say,
    );
  } catch (error) {
    say(`the demo order did not complete: ${error instanceof Error ? error.message : String(error)}; see .payhook/logs/`);
  }
  say('logs in .payhook/logs/; Ctrl-C stops everything');
}

void main();
