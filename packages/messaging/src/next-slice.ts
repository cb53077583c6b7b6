import type { Readable } from 'node:stream';

/**
 * The messages a stream in object mode has ready, at most `max`, waiting for the first one
 * if there are none yet. Resolves null when the stream ends; rejects with its error.
 */
export function nextSlice<T>(stream: Readable, max: number): Promise<T[] | null> {
  return new Promise((resolve, reject) => {
    const take = (): boolean => {
      const slice: T[] = [];
      for (let item: T | null; slice.length < max && (item = stream.read() as T | null) !== null; ) slice.push(item);
      if (slice.length === 0) return false;
      settle(() => resolve(slice));
      return true;
    };
    const onReadable = () => void take();
    const onEnd = () => settle(() => resolve(null));
    const onError = (error: Error) => settle(() => reject(error));
    function settle(outcome: () => void) {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
      outcome();
    }
    if (stream.errored) return reject(stream.errored);
    if (stream.readableEnded || stream.destroyed) return resolve(null);
    if (take()) return;
    stream.on('readable', onReadable);
    stream.once('end', onEnd);
    stream.once('close', onEnd);
    stream.once('error', onError);
  });
}
