import { parseCpuTicks } from './cpu';

describe('parseCpuTicks', () => {
  it('adds utime and stime, even when the command name holds spaces and parentheses', () => {
    const stat = '4242 (node (main) x) S 1 4242 4242 0 -1 4194304 9000 0 0 0 1234 567 0 0 20 0 11 0 100 1000 2000';
    expect(parseCpuTicks(stat)).toBe(1234 + 567);
  });
});
