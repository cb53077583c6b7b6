import { readEvents } from './sse';

async function* chunks(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function all(body: AsyncIterable<Uint8Array>) {
  const events = [];
  for await (const event of readEvents(body)) events.push(event);
  return events;
}

describe('readEvents', () => {
  it('reads events split anywhere across chunks, with any line ending, skipping comments', async () => {
    expect(await all(chunks('event: ready\ndata: {"a"', ':1}\n\n: keep-alive\n\nevent: webhook\r\ndata: x\r\ndata: y\r\n\r', '\ndata: plain\rid: 7\r\r'))).toEqual([
      { event: 'ready', data: '{"a":1}' },
      { event: 'webhook', data: 'x\ny' },
      { event: 'message', data: 'plain' },
    ]);
  });

  it('drops an event the stream cut off before its blank line', async () => {
    expect(await all(chunks('event: webhook\ndata: {"partial"'))).toEqual([]);
  });
});
