import { cpuMsBetween, parseCpuTicks, setApart } from './cpu';

describe('parseCpuTicks', () => {
  it('adds utime and stime, even when the command name holds spaces and parentheses', () => {
    const stat = '4242 (node (main) x) S 1 4242 4242 0 -1 4194304 9000 0 0 0 1234 567 0 0 20 0 11 0 100 1000 2000';
    expect(parseCpuTicks(stat)).toBe(1234 + 567);
  });
});

describe('cpuMsBetween', () => {
  it('sums the growth of every process, counting one that started in between from zero', () => {
    const before = new Map([[1, 100], [2, 50]]);
    const after = new Map([[1, 160], [2, 55], [3, 20]]);
    expect(cpuMsBetween(before, after)).toBe(60 + 5 + 20);
  });
});

describe('setApart', () => {
  it("puts the given pids' readings apart and keeps every other one", () => {
    const { apart, rest } = setApart(new Map([[1, 10], [2, 20], [3, 30]]), new Set([2, 9]));
    expect([...apart]).toEqual([[2, 20]]);
    expect([...rest]).toEqual([[1, 10], [3, 30]]);
  });
});
