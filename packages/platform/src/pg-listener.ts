import { Client } from 'pg';
import type { Logger } from 'pino';

/**
 * LISTEN on a channel over its own connection and call `onNotify` for each NOTIFY.
 * A wake-up hint only: callers poll behind it, so a lost connection costs latency, not
 * data. It reconnects after a failure.
 */
export class PgListener {
  private client?: Client;
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly options: { connectionString: string; channel: string; logger: Logger; onNotify: (payload: string) => void },
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    try {
      const client = new Client({ connectionString: this.options.connectionString });
      client.on('notification', (message) => this.options.onNotify(message.payload ?? ''));
      client.on('error', (error) => this.reconnect(error));
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
      this.client = client;
    } catch (error) {
      this.reconnect(error);
    }
  }

  private reconnect(error: unknown): void {
    this.options.logger.warn({ err: error, channel: this.options.channel }, 'LISTEN connection lost; polling until it is back');
    void this.client?.end().catch(() => undefined);
    this.client = undefined;
    if (this.stopped || this.retry) return;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      if (!this.stopped) void this.start();
    }, 1000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }
}
