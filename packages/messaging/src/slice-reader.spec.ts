import { PassThrough } from 'node:stream';
import { SliceReader } from './slice-reader';

describe('SliceReader', () => {
  it('hands over what the stream holds, at most max at a time, then waits for more', async () => {
    const stream = new PassThrough({ objectMode: true });
    const reader = new SliceReader<number>(stream);
    for (const n of [1, 2, 3, 4, 5]) stream.write(n);
    expect(await reader.next(3)).toEqual([1, 2, 3]);
    expect(await reader.next(3)).toEqual([4, 5]);
    const later = reader.next(3);
    setTimeout(() => stream.write(6), 20);
    expect(await later).toEqual([6]);
    stream.end();
    expect(await reader.next(3)).toBeNull();
  });

  it('rejects with the error that ends the stream', async () => {
    const stream = new PassThrough({ objectMode: true });
    const reader = new SliceReader<number>(stream);
    setTimeout(() => stream.destroy(new Error('broker said no')), 10);
    await expect(reader.next(10)).rejects.toThrow('broker said no');
  });
});
