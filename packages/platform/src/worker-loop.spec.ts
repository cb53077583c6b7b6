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
});
