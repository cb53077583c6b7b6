import { isRecordRefused } from './kafka-errors';

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
