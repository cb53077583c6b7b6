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

  it('keeps batches within the maximum', async () => {
    const flushed: number[][] = [];
    const first = deferred();
    const group = new GroupCommit<number>(async (items) => {
      flushed.push(items);
      if (flushed.length === 1) await first.promise;
    }, 2);
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
});
