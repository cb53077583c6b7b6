import { GroupCommit } from './group-commit';

function deferred() {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

describe('GroupCommit', () => {
  it('flushes a lone item at once', async () => {
    const flushed: number[][] = [];
    const group = new GroupCommit<number>(async (items) => void flushed.push(items));
    await group.add(1);
    expect(flushed).toEqual([[1]]);
  });

  it('gathers the items that arrive during a flush into the next one', async () => {
    const flushed: number[][] = [];
    const first = deferred();
    const group = new GroupCommit<number>(async (items) => {
      flushed.push(items);
      if (flushed.length === 1) await first.promise;
    });
    const all = [group.add(1), group.add(2), group.add(3), group.add(4)];
    first.release();
    await Promise.all(all);
    expect(flushed).toEqual([[1], [2, 3, 4]]);
  });

  it('with spacingMs, flushes a lone item at rest at once, then starts the next flush no sooner, with all that came meanwhile', async () => {
    const flushed: Array<{ items: number[]; at: number }> = [];
    const group = new GroupCommit<number>(async (items) => void flushed.push({ items, at: performance.now() }), { spacingMs: 200 });
    const started = performance.now();
    await group.add(1);
    expect(flushed[0].at - started).toBeLessThan(150);
    const soon = [group.add(2), group.add(3)];
    await new Promise((resolve) => setTimeout(resolve, 20));
    await Promise.all([...soon, group.add(4)]);
    expect(flushed.map((f) => f.items)).toEqual([[1], [2, 3, 4]]);
    expect(flushed[1].at - flushed[0].at).toBeGreaterThanOrEqual(195);
  });

  it('with spacingMs, starts the next flush at once when hurried, and spaces the one after again', async () => {
    const flushed: number[][] = [];
    const group = new GroupCommit<number>(async (items) => void flushed.push(items), { spacingMs: 60_000 });
    const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
    try {
      await group.add(1);
      const second = group.add(2);
      // The spacing has begun: without hurry this flush would wait a minute (past the test's timeout).
      await pause();
      expect(flushed).toEqual([[1]]);
      group.hurry();
      await second;
      expect(flushed).toEqual([[1], [2]]);
      // Hurried once only: the next item waits out the spacing again.
      const third = group.add(3);
      await pause();
      expect(flushed).toEqual([[1], [2]]);
      group.hurry();
      await third;
      expect(flushed).toEqual([[1], [2], [3]]);
    } finally {
      // Whatever failed, no minute-long spacing outlives the test.
      group.hurry();
    }
  });

  it('answers each item with its own result from the flush', async () => {
    const first = deferred();
    let calls = 0;
    const group = new GroupCommit<number, string>(async (items) => {
      calls += 1;
      if (calls === 1) await first.promise;
      return items.map((n) => `#${n}`);
    });
    const all = [1, 2, 3].map((n) => group.add(n));
    first.release();
    expect(await Promise.all(all)).toEqual(['#1', '#2', '#3']);
    expect(calls).toBe(2);
  });

  it('keeps batches within the maximum', async () => {
    const flushed: number[][] = [];
    const first = deferred();
    const group = new GroupCommit<number>(async (items) => {
      flushed.push(items);
      if (flushed.length === 1) await first.promise;
    }, { maxBatch: 2 });
    const all = [1, 2, 3, 4, 5].map((n) => group.add(n));
    first.release();
    await Promise.all(all);
    expect(flushed).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('rejects the items of a failed flush and goes on with the next', async () => {
    const first = deferred();
    let calls = 0;
    const group = new GroupCommit<number>(async () => {
      calls += 1;
      if (calls === 1) {
        await first.promise;
        throw new Error('database gone');
      }
    });
    const failing = group.add(1);
    const later = group.add(2);
    first.release();
    await expect(failing).rejects.toThrow('database gone');
    await expect(later).resolves.toBeUndefined();
  });

  it('rejects only the item that fails on its own; the rest of its batch commits', async () => {
    const first = deferred();
    const committed: number[] = [];
    let calls = 0;
    const group = new GroupCommit<number>(async (items) => {
      calls += 1;
      if (calls === 1) await first.promise;
      if (items.includes(3)) throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
      committed.push(...items);
    });
    const all = [1, 2, 3, 4, 5].map((n) => group.add(n));
    first.release();
    const results = await Promise.allSettled(all);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(committed.sort()).toEqual([1, 2, 4, 5]);
  });

  it('rejects the whole batch on an error that is not about its items', async () => {
    const first = deferred();
    let calls = 0;
    const group = new GroupCommit<number>(async () => {
      calls += 1;
      if (calls === 1) return first.promise;
      throw Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' });
    });
    const lone = group.add(0);
    const all = [1, 2, 3].map((n) => group.add(n));
    first.release();
    await lone;
    const results = await Promise.allSettled(all);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(calls).toBe(2); // not split: one try for the batch
  });
});
