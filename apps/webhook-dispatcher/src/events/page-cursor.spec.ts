import { decodeCursor, encodeCursor } from './page-cursor';

describe('events page cursor', () => {
  it('round-trips the sequence number of the last event on a page', () => {
    expect(decodeCursor(encodeCursor('12345'))).toBe('12345');
  });

  it.each([
    ['not a cursor', 'abc'],
    ['an injected value', Buffer.from("seq:1; DROP TABLE events").toString('base64url')],
    ['a number past bigint', Buffer.from(`seq:${'9'.repeat(30)}`).toString('base64url')],
    ['zero', Buffer.from('seq:0').toString('base64url')],
    ['a negative number', Buffer.from('seq:-1').toString('base64url')],
  ])('refuses %s', (_name, value) => {
    expect(decodeCursor(value)).toBeUndefined();
  });
});
