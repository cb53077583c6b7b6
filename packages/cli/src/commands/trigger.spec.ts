import { CliError } from '../api';
import { parseOverrides } from './trigger';

describe('parseOverrides', () => {
  it('takes JSON values as such and anything else as a string', () => {
    expect(parseOverrides(['amount=1500', 'captureMethod=manual', 'metadata={"a":"b"}', 'note=a=b'])).toEqual({ amount: 1500, captureMethod: 'manual', metadata: { a: 'b' }, note: 'a=b' });
  });

  it('refuses a pair without a key', () => {
    expect(() => parseOverrides(['=1'])).toThrow(CliError);
    expect(() => parseOverrides(['amount'])).toThrow('--override amount: expected key=value');
  });
});
