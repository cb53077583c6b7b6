/** Bytes from outside (a receiver's reply, a Kafka record) as an API shows them. */
export interface ReadableBytes {
  /** UTF-8 text; bytes that are not UTF-8 show as U+FFFD, control characters as JSON escapes. */
  text: string;
  /** The exact bytes, for anything the text cannot show. */
  base64: string;
  /** True when `text` is exactly the bytes (valid UTF-8). */
  exact: boolean;
}

export function readableBytes(bytes: Buffer): ReadableBytes {
  const text = bytes.toString('utf8');
  return { text, base64: bytes.toString('base64'), exact: Buffer.from(text, 'utf8').equals(bytes) };
}

/**
 * Text from outside made storable in a Postgres text column: U+0000, which Postgres
 * cannot store, becomes the visible escape "\u0000"; lone surrogates become U+FFFD.
 */
export function storableText(value: string): string {
  return value.replace(LONE_SURROGATE, '\ufffd').replaceAll('\u0000', '\\u0000');
}

/** A UTF-16 surrogate without its pair: no UTF-8 encoding exists for it, and jsonb refuses its escape. */
export const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
