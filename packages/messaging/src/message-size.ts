import type { OutgoingMessage } from './producer';

/** Bytes a record adds to a produce request beyond its key, value and headers (generous). */
const RECORD_OVERHEAD_BYTES = 64;

/** An upper bound of the bytes one message takes in a produce request. */
export function messageSize(message: OutgoingMessage): number {
  let size = RECORD_OVERHEAD_BYTES + Buffer.byteLength(message.key) + Buffer.byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) size += Buffer.byteLength(name) + Buffer.byteLength(value) + 8;
  return size;
}

/**
 * Splits messages, in order, into requests of at most `maxBytes` each. A message larger
 * than that alone is a request of its own (the caller decides whether to send it).
 */
export function chunkBySize<T extends OutgoingMessage>(messages: T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let size = 0;
  for (const message of messages) {
    const bytes = messageSize(message);
    if (current.length > 0 && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += bytes;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
