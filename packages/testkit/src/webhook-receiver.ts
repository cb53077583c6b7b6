import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verify, type VerifyResult } from '@payhook/webhook-signature';
import { waitFor } from './wait';

export interface ReceivedWebhook {
  /** 1-based arrival number at this receiver. */
  n: number;
  webhookId: string | undefined;
  headers: IncomingHttpHeaders;
  /** The raw body, as signed. */
  body: string;
  /** Signature check against the receiver's secrets (ok: true when it verifies). */
  verification: VerifyResult;
  receivedAt: number;
  /** The status this receiver answered. */
  answered: number;
}

/** How to answer one webhook. */
export interface Reply {
  status?: number;
  delayMs?: number;
  headers?: Record<string, string>;
  /** Any bytes: a Buffer for a binary, UTF-16 or NUL-laden reply. */
  body?: string | Buffer;
}

export type Responder = (webhook: Omit<ReceivedWebhook, 'answered'>) => Reply;

/**
 * A webhook receiver for tests: records every request with its signature check against
 * the given secrets, and answers as told (fail, delay, 410, 429 + Retry-After) or is
 * taken away for a while (connections refused), on the same port.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private responder: Responder = () => ({ status: 204 });

  constructor(private secrets: string[] = []) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/webhooks`;
  }

  /** Listens (on a free port the first time, the same one after goAway()). */
  async start(port = this.port): Promise<string> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const webhook = {
          n: this.received.length + 1,
          webhookId: request.headers['webhook-id'] as string | undefined,
          headers: request.headers,
          body,
          verification: verify(body, request.headers, { secrets: this.secrets }),
          receivedAt: Date.now(),
        };
        const reply = this.responder(webhook);
        const status = reply.status ?? 204;
        this.received.push({ ...webhook, answered: status });
        const answer = () => {
          if (response.destroyed) return;
          response.writeHead(status, reply.headers).end(reply.body);
        };
        if (reply.delayMs) setTimeout(answer, reply.delayMs);
        else answer();
      });
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.url;
  }

  /** Closes the port and every open connection: senders get connection errors. */
  async goAway(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again on the same port after goAway(). */
  async comeBack(): Promise<void> {
    await this.start(this.port);
  }

  stop(): Promise<void> {
    return this.goAway();
  }

  /** The secrets signatures are checked against (set after registration or rotation). */
  setSecrets(secrets: string[]): void {
    this.secrets = secrets;
  }

  /** How to answer from now on. */
  respondWith(responder: Responder): void {
    this.responder = responder;
  }

  /** Answers `status` to the next `count` requests, then 204 again. */
  failNext(count: number, status = 500): void {
    let left = count;
    this.respondWith(() => (left-- > 0 ? { status } : { status: 204 }));
  }

  /** The requests of one webhook-id, in arrival order. */
  byId(webhookId: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.webhookId === webhookId);
  }

  /** Waits until `predicate` holds for what was received. */
  waitUntil(predicate: (received: ReceivedWebhook[]) => boolean, description: string, timeoutMs = 15_000): Promise<ReceivedWebhook[]> {
    return waitFor(() => (predicate(this.received) ? this.received : undefined), { timeoutMs, intervalMs: 20, description });
  }
}
