import { Command, InvalidArgumentError } from 'commander';
import { CliError, type Service } from './api';
import { deliveries, resend } from './commands/deliveries';
import { events } from './commands/events';
import { listen } from './commands/listen';
import { DECLINE_CARDS, trigger, TRIGGERABLE } from './commands/trigger';
import { loadSettings } from './settings';

const print = (line: string) => process.stdout.write(`${line}\n`);

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a whole number greater than 0');
  return parsed;
}

function services() {
  const settings = loadSettings();
  const dispatcher: Service = { name: 'webhook-dispatcher', url: settings.dispatcherUrl, apiKey: settings.dispatcherApiKey };
  const payments: Service = { name: 'payment-service', url: settings.paymentServiceUrl, apiKey: settings.paymentApiKey };
  const orders: Service = { name: 'order-service', url: settings.orderServiceUrl };
  return { dispatcher, payments, orders };
}

const program = new Command('payhook')
  .description(
    'Payhook from the terminal: forward webhooks to a local server, trigger payment events, list and resend deliveries.\n' +
      'Settings come from .env.example and .env (nearest directory up that has them), then the environment\n' +
      '(WEBHOOK_DISPATCHER_URL, PAYMENT_SERVICE_URL, ORDER_SERVICE_URL, DISPATCHER_API_KEY, PAYMENT_API_KEY): with neither, the `npm start` stack.',
  )
  .showHelpAfterError();

program
  .command('listen')
  .description('Receive webhooks as the dispatcher signed them and POST them, byte for byte, to a local URL; prints the signing secret first')
  .requiredOption('--forward-to <url>', 'where to POST each webhook, e.g. http://127.0.0.1:4000/webhooks')
  .option('--events <types>', 'comma-separated event types (default: all)')
  .option('--name <name>', 'listener name: a restart under the same name receives what was missed', 'default')
  .action(async (options: { forwardTo: string; events?: string; name: string }) => {
    const stop = new AbortController();
    process.once('SIGINT', () => stop.abort());
    process.once('SIGTERM', () => stop.abort());
    await listen(services().dispatcher, options, print, stop.signal);
  });

program
  .command('trigger')
  .description(`Make the real payment or payment change that produces an event, and print the event id (${TRIGGERABLE.join(', ')})`)
  .argument('<event-type>', 'the event type to produce')
  .option('--amount <minor-units>', 'amount in minor units', positiveInteger, 2000)
  .option('--currency <code>', 'ISO 4217 currency', 'EUR')
  .option('--decline <code>', `decline code for payment.failed (${Object.keys(DECLINE_CARDS).join(', ')})`, 'card_declined')
  .option('--override <key=value>', 'set a field of the request that creates the payment (repeatable; JSON values allowed)', (pair: string, all: string[]) => [...all, pair], [] as string[])
  .action(async (type: string, options: { amount: number; currency: string; decline: string; override: string[] }) => {
    const { payments, orders } = services();
    const { eventId, paymentId } = await trigger({ payments, orders }, type, options);
    print(`${eventId}  ${type}  (payment ${paymentId})`);
  });

program
  .command('deliveries')
  .description('The newest deliveries, with their status and last answer')
  .option('--endpoint <id>', 'only this endpoint')
  .option('--status <status>', 'pending, held, delivered, failed or quarantined')
  .option('--event-type <type>', 'only this event type')
  .option('--limit <n>', 'how many (1-500)', '50')
  .option('--json', 'print the JSON the API answers')
  .action(async (options: { endpoint?: string; status?: string; eventType?: string; limit: string; json?: boolean }) => {
    print(await deliveries(services().dispatcher, options));
  });

program
  .command('resend')
  .description('Send a delivery again now: same webhook-id, fresh timestamp and signature')
  .argument('<delivery-id>', 'the delivery (msg_…)')
  .action(async (id: string) => {
    print(await resend(services().dispatcher, id));
  });

program
  .command('events')
  .description('The payment events the dispatcher holds, newest first')
  .option('--since <time>', 'only those received at or after this ISO 8601 time')
  .option('--type <type>', 'only this event type')
  .option('--limit <n>', 'how many (1-500)', '20')
  .option('--json', 'print the JSON the API answers')
  .action(async (options: { since?: string; type?: string; limit: string; json?: boolean }) => {
    print(await events(services().dispatcher, options));
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`payhook: ${error instanceof CliError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
