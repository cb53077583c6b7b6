/**
 * The events API's cursor: the sequence number of the last event on a page, opaque to
 * clients (base64url). Anything else a client sends is not a cursor.
 */
export function encodeCursor(seq: string): string {
  return Buffer.from(`seq:${seq}`, 'utf8').toString('base64url');
}

export function decodeCursor(value: string): string | undefined {
  const match = /^seq:([1-9][0-9]{0,17})$/.exec(Buffer.from(value, 'base64url').toString('utf8'));
  return match?.[1];
}
