import type { Readable } from 'node:stream';

/**
 * Reads a stream in object mode in slices: each call waits for one item, then takes those
 * the stream already holds, up to `max`. Only the stream's async iterator reads it (mixing
 * `read()` and 'readable' listeners with the client's own fetch loop can miss a wake-up).
 */
export class SliceReader<T> {
  private readonly items: AsyncIterator<T>;

  constructor(private readonly stream: Readable) {
    this.items = stream[Symbol.asyncIterator]() as AsyncIterator<T>;
  }

  /** The next slice; null once the stream has ended. Rejects with the stream's error. */
  async next(max: number): Promise<T[] | null> {
    const first = await this.items.next();
    if (first.done) return null;
    const slice = [first.value];
    while (slice.length < max && this.stream.readableLength > 0) {
      const item = await this.items.next();
      if (item.done) break;
      slice.push(item.value);
    }
    return slice;
  }
}
