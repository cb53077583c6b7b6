import { chunkBySize, isRecordRefused, messageSize } from './message-size';

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

describe('isRecordRefused', () => {
  it('finds a record-level refusal under the wrappers the client adds', () => {
    const tooLarge = Object.assign(new Error('The request included a message larger than the max message size'), { apiId: 'MESSAGE_TOO_LARGE' });
    expect(isRecordRefused(tooLarge)).toBe(true);
    expect(isRecordRefused(Object.assign(new Error('retries exceeded'), { cause: tooLarge }))).toBe(true);
    expect(isRecordRefused(Object.assign(new Error('Multiple errors'), { errors: [new Error('other'), tooLarge] }))).toBe(true);
  });

  it('does not call a broker outage a bad record', () => {
    expect(isRecordRefused(Object.assign(new Error('Connection error: connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isRecordRefused(Object.assign(new Error('leader not available'), { apiId: 'LEADER_NOT_AVAILABLE' }))).toBe(false);
  });
});
