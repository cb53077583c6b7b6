import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from './repo';
import { waitFor } from './wait';

export type AppName = 'payment-service' | 'webhook-dispatcher' | 'order-service';

export interface AppProcessOptions {
  /** One of the three apps, or the web console (apps/console). */
  app: AppName | 'console';
  /** Environment on top of the current one (ports, database names, topics…). */
  env: Record<string, string>;
  /** GET {baseUrl}/health must answer 200 before start() resolves. */
  baseUrl: string;
  /** Where stdout/stderr go: a file path, or 'inherit' to share the terminal. */
  output: string | 'inherit';
  startTimeoutMs?: number;
}

/** Every app process still alive: killed when the test process exits, however it exits. */
const spawned = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of spawned) child.kill('SIGKILL');
});

/** One of Payhook's apps as a real child process (node apps/<app>/dist/main.js). */
export class AppProcess {
  private child?: ChildProcess;
  private exited?: Promise<number | null>;

  constructor(readonly options: AppProcessOptions) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const { app, env, output } = this.options;
    const main = join(repoRoot(), 'apps', app, 'dist', 'main.js');
    const stdio: 'inherit' | 'pipe' = output === 'inherit' ? 'inherit' : 'pipe';
    const child = spawn(process.execPath, [main], { env: { ...process.env, ...env }, stdio: ['ignore', stdio, stdio] });
    if (output !== 'inherit') {
      mkdirSync(dirname(output), { recursive: true });
      const file = createWriteStream(output, { flags: 'a' });
      child.stdout?.pipe(file);
      child.stderr?.pipe(file);
    }
    this.child = child;
    spawned.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        spawned.delete(child);
        resolve(code);
      }),
    );
    await waitFor(
      async () => {
        if (!this.running) throw new Error(`${app} exited with code ${child.exitCode}`);
        const response = await fetch(`${this.options.baseUrl}/health`);
        return response.status === 200;
      },
      { timeoutMs: this.options.startTimeoutMs ?? 60_000, intervalMs: 200, description: `${app} to answer /health` },
    );
  }

  /** SIGTERM and wait for a graceful exit (longer than the apps' own 25 s deadline); resolves with the exit code. */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    return this.signal('SIGTERM', timeoutMs);
  }

  /** SIGKILL: a crash, nothing gets to clean up. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL', 10_000);
  }

  private async signal(signal: NodeJS.Signals, timeoutMs: number): Promise<number | null> {
    if (!this.child || !this.running) return this.child?.exitCode ?? null;
    this.child.kill(signal);
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    const result = await Promise.race([this.exited!, timer]);
    if (result === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
      throw new Error(`${this.options.app} did not exit within ${timeoutMs} ms of ${signal}`);
    }
    return result;
  }
}
