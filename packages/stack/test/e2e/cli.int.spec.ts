import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { repoRoot, TestStack, waitFor } from '@payhook/testkit';
import { Webhook } from 'standardwebhooks';

// The `payhook` CLI against the three apps as processes, with a local consumer that checks
// each webhook with the standardwebhooks library and the secret `payhook listen` prints.
const stack = new TestStack({ label: 'cli', basePort: 14201, env: { PAYMENT_PROCESSING_DELAY_MS: '300', WEBHOOK_RETRY_SCHEDULE: '1s,1s,1s,1s,1s' } });
const CLI = join(repoRoot(), 'packages', 'cli', 'bin', 'payhook.js');

interface Verified {
  type: string;
  webhookId: string;
}
const verified: Verified[] = [];
const refused: string[] = [];
let secret = '';
let consumer: Server;
let consumerUrl = '';
const listeners = new Set<ChildProcessWithoutNullStreams>();

function payhook(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...stack.env }, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `payhook listen` as a process; resolves with its output lines so far once its first line is in. */
async function startListening(): Promise<{ child: ChildProcessWithoutNullStreams; lines: string[] }> {
  const child = spawn(process.execPath, [CLI, 'listen', '--forward-to', consumerUrl, '--name', 'cli-test'], { env: { ...process.env, ...stack.env } });
  listeners.add(child);
  child.once('exit', () => listeners.delete(child));
  const lines: string[] = [];
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  await waitFor(() => lines[0], { timeoutMs: 20_000, description: "payhook listen's first line" });
  return { child, lines };
}

async function stopListening(child: ChildProcessWithoutNullStreams, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

beforeAll(async () => {
  await stack.start();
  consumer = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const event = new Webhook(secret).verify(body, request.headers as Record<string, string>) as { type: string };
        verified.push({ type: event.type, webhookId: String(request.headers['webhook-id']) });
        response.writeHead(204).end();
      } catch (error) {
        refused.push(error instanceof Error ? error.message : String(error));
        response.writeHead(400).end('invalid signature');
      }
    });
  });
  consumer.listen(0, '127.0.0.1');
  await once(consumer, 'listening');
  consumerUrl = `http://127.0.0.1:${(consumer.address() as AddressInfo).port}/hook`;
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([...listeners].map((child) => stopListening(child, 'SIGKILL')));
  consumer?.closeAllConnections();
  await new Promise((resolve) => consumer?.close(resolve));
  await stack.stop();
}, 60_000);

it('listen prints the secret first, forwards what trigger makes, and a restarted listen gets what it missed', async () => {
  const first = await startListening();
  secret = /whsec_\S+/.exec(first.lines[0])?.[0] ?? '';
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);

  const triggered = payhook('trigger', 'payment.succeeded');
  expect(triggered.stderr).toBe('');
  expect(triggered.status).toBe(0);
  const [eventId] = triggered.stdout.trim().split(/\s+/);
  await waitFor(() => verified.find((w) => w.type === 'payment.succeeded'), { timeoutMs: 20_000, description: 'the payment.succeeded webhook at the local consumer' });
  // One line per webhook: time, type, id, the local answer, duration.
  await waitFor(() => first.lines.find((line) => /payment\.succeeded\s+msg_\w+\s+\[204\]\s+\d+ ms/.test(line)), { timeoutMs: 5_000, description: "listen's line for it" });
  const events = payhook('events', '--json', '--type', 'payment.succeeded');
  expect(JSON.parse(events.stdout).map((e: { id: string }) => e.id)).toContain(eventId);

  // Killed: what is triggered meanwhile is held, and comes when listen is back.
  await stopListening(first.child, 'SIGKILL');
  const missed = payhook('trigger', 'payment.failed', '--decline', 'insufficient_funds');
  expect(missed.status).toBe(0);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(verified.some((w) => w.type === 'payment.failed')).toBe(false);
  const again = await startListening();
  expect(again.lines[0]).toContain(secret);
  await waitFor(() => verified.find((w) => w.type === 'payment.failed'), { timeoutMs: 20_000, description: 'the webhook triggered while listen was down' });
  expect(refused).toEqual([]);

  // Ordinary deliveries: in the attempt log, listed, and sent again by resend.
  const endpoint = /endpoint (ep_\w+)/.exec(again.lines[0])?.[1] ?? '';
  const table = payhook('deliveries', '--endpoint', endpoint, '--status', 'delivered', '--event-type', 'payment.failed');
  expect(table.stdout.split('\n')[0]).toMatch(/^created\s+delivery\s+event type\s+status\s+attempts/);
  expect(table.stdout.trim().split('\n')).toHaveLength(2);
  const [delivery] = JSON.parse(payhook('deliveries', '--json', '--endpoint', endpoint, '--event-type', 'payment.failed').stdout);
  expect(delivery).toMatchObject({ endpointId: endpoint, status: 'delivered', attempts: 1 });
  const before = verified.length;
  const resent = payhook('resend', delivery.id);
  expect(resent.stdout).toContain(`${delivery.id} queued`);
  await waitFor(() => verified.length > before || undefined, { timeoutMs: 20_000, description: 'the resent webhook' });
  expect(verified.at(-1)!.webhookId).toBe(delivery.id);
  await stopListening(again.child, 'SIGINT');
  expect(again.child.exitCode).toBe(0);
}, 120_000);

it('says in one line when the stack is not up, and answers --help on every command', () => {
  const down = spawnSync(process.execPath, [CLI, 'deliveries'], { env: { ...process.env, WEBHOOK_DISPATCHER_URL: 'http://127.0.0.1:47999' }, encoding: 'utf8' });
  expect(down.status).toBe(1);
  expect(down.stderr.trim()).toBe('payhook: cannot reach webhook-dispatcher at http://127.0.0.1:47999 (ECONNREFUSED): is the stack running? Start it with `npm start`.');
  for (const command of ['listen', 'trigger', 'deliveries', 'resend', 'events']) {
    const help = spawnSync(process.execPath, [CLI, command, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain(`Usage: payhook ${command}`);
  }
});
