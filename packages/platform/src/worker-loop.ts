import type { Logger } from 'pino';
import { PgListener } from './pg-listener';

export interface WorkerLoopOptions {
  name: string;
  logger: Logger;
  /** Does one unit of work; returns how many items it handled (0 = idle). */
  runOnce: () => Promise<number>;
  /** Poll interval when idle: the safety net behind LISTEN/NOTIFY and timers. */
  idleMs: number;
  /** Longest pause after consecutive failures (doubling from 100 ms). */
  maxBackoffMs?: number;
  /**
   * The most one iteration takes. An iteration that handled fewer found the queue
   * drained, so the loop waits for a kick instead of asking again at once for nothing.
   */
  batchSize?: number;
  /**
   * Iterations that follow one that drained the queue start at least this far apart: under
   * a steady stream each takes what came meanwhile, so the stream costs at most
   * 1000 / spacingMs transactions a second; a kick at rest still runs at once.
   */
  spacingMs?: number;
  /** LISTEN on this channel: each NOTIFY kicks the loop (polling stays behind it). */
  wakeOn?: { connectionString: string; channel: string };
}

/**
 * A background loop that runs again at once while there is work (a full batch), sleeps when idle,
 * wakes early on kick() (a NOTIFY, a timer), backs off on errors, and on stop() waits for
 * the iteration in flight, so shutdown never cuts a transaction in half.
 */
export class WorkerLoop {
  private running = false;
  private wakeUp?: () => void;
  private kicked = false;
  private done?: Promise<void>;
  private readonly listener?: PgListener;

  constructor(private readonly options: WorkerLoopOptions) {
    if (options.wakeOn) {
      this.listener = new PgListener({ ...options.wakeOn, logger: options.logger, onNotify: () => this.kick() });
    }
  }

  /** Listens first, so nothing inserted after the first iteration's query goes unnoticed. */
  async start(): Promise<void> {
    if (this.running) return;
    await this.listener?.start();
    this.running = true;
    this.done = this.loop();
  }

  kick(): void {
    this.kicked = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    await this.listener?.stop();
    this.running = false;
    this.wakeUp?.();
    await this.done;
  }

  private async loop(): Promise<void> {
    let failures = 0;
    let spacedUntil = 0;
    while (this.running) {
      const wait = spacedUntil - performance.now();
      if (wait > 0) await this.sleep(wait, false);
      if (!this.running) break;
      spacedUntil = performance.now() + (this.options.spacingMs ?? 0);
      let handled = 0;
      this.kicked = false;
      try {
        handled = await this.options.runOnce();
        failures = 0;
      } catch (error) {
        failures += 1;
        this.options.logger.warn({ err: error, worker: this.options.name, failures }, 'worker iteration failed');
      }
      if (!this.running) break;
      if (!this.drained(handled)) spacedUntil = 0;
      if (failures > 0) {
        await this.sleep(Math.min(100 * 2 ** (failures - 1), this.options.maxBackoffMs ?? 5000), false);
      } else if (this.drained(handled) && !this.kicked) {
        await this.sleep(this.options.idleMs, true);
      }
    }
  }

  private drained(handled: number): boolean {
    return handled === 0 || (this.options.batchSize !== undefined && handled < this.options.batchSize);
  }

  private sleep(ms: number, wakeOnKick: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(finish, ms);
      function finish() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        if (wakeOnKick || !this.running) finish();
      };
    });
  }
}
