import pino from 'pino';
import { WorkerLoop } from './worker-loop';

const logger = pino({ level: 'silent' });
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

function loopReturning(handled: number[], batchSize?: number) {
  let calls = 0;
  const loop = new WorkerLoop({
    name: 'test',
    logger,
    idleMs: 60_000,
    batchSize,
    runOnce: async () => handled[calls++] ?? 0,
  });
  return { loop, calls: () => calls };
}

describe('WorkerLoop', () => {
  it('runs again at once after a full batch, and sleeps after a partial one', async () => {
    const { loop, calls } = loopReturning([10, 10, 4, 10], 10);
    await loop.start();
    await settle();
    expect(calls()).toBe(3); // 10, 10, then 4 < 10: drained, asleep until a kick or the poll
    loop.kick();
    await settle();
    expect(calls()).toBe(5); // the kick ran 10 (full: again at once), then 0
    await loop.stop();
  });

  it('without a batch size, runs again while anything was handled', async () => {
    const { loop, calls } = loopReturning([1, 1, 0]);
    await loop.start();
    await settle();
    expect(calls()).toBe(3);
    await loop.stop();
  });

  it('with spacingMs, runs a kick at rest at once, a kick right after a drained run no sooner than the spacing, and a full batch again at once', async () => {
    const starts: number[] = [];
    const handled = [10, 10, 2, 3];
    const loop = new WorkerLoop({
      name: 'test',
      logger,
      idleMs: 60_000,
      batchSize: 10,
      spacingMs: 200,
      runOnce: async () => handled[starts.push(performance.now()) - 1] ?? 0,
    });
    try {
      const started = performance.now();
      await loop.start();
      await settle();
      expect(starts).toHaveLength(3); // 10 and 10 are full: no spacing between them and the 2
      expect(starts[2] - started).toBeLessThan(150);
      loop.kick();
      await settle();
      expect(starts).toHaveLength(3); // the kick waits out the spacing after the drained run
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(starts).toHaveLength(4);
      expect(starts[3] - starts[2]).toBeGreaterThanOrEqual(195);
    } finally {
      await loop.stop();
    }
  });
});
