import { chunkBySize, messageSize } from './message-size';

const message = (value: string) => ({ key: 'pay_1', value, headers: { 'event-id': 'e' } });

describe('chunkBySize', () => {
  it('keeps order and never puts more than maxBytes in one request', () => {
    const messages = Array.from({ length: 50 }, (_, i) => message('x'.repeat(100 + i * 10)));
    const chunks = chunkBySize(messages, 2_000);
    expect(chunks.flat()).toEqual(messages);
    for (const chunk of chunks) {
      expect(chunk.reduce((sum, m) => sum + messageSize(m), 0)).toBeLessThanOrEqual(2_000);
    }
  });

  it('puts a message larger than the limit in a request of its own', () => {
    const big = message('y'.repeat(5_000));
    expect(chunkBySize([message('a'), big, message('b')], 1_000)).toEqual([[message('a')], [big], [message('b')]]);
  });
});
