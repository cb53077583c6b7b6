import { errorReason, isTransientError, runIsolated } from './poison';

describe('isTransientError', () => {
  it.each([
    [{ code: '08006' }, true], // connection failure
    [{ code: '57P01' }, true], // admin shutdown
    [{ code: '40P01' }, true], // deadlock
    [{ code: '40001' }, true], // serialization failure
    [{ driverError: { code: '53300' } }, true], // too many connections, as TypeORM wraps it
    [{ code: 'ECONNREFUSED' }, true],
    [new Error('Connection terminated unexpectedly'), true],
    [new Error('Query runner already released. Cannot run queries anymore.'), true], // seen in chaos: the connection cut mid-transaction
    [new Error('Database connection provided by a query runner was already released, cannot continue to use its querying methods anymore.'), true],
    [{ code: '22P05' }, false], // untranslatable character (a NUL)
    [{ code: '22003' }, false], // numeric value out of range
    [{ code: '23505' }, false], // unique violation
    [new TypeError("Cannot read properties of undefined (reading 'outcome')"), false],
  ])('%j → %s', (error, expected) => {
    expect(isTransientError(error)).toBe(expected);
  });
});

describe('errorReason', () => {
  it('is one line with the SQLSTATE, without the value that failed', () => {
    const error = Object.assign(new Error('value "3000000000" is out of range\nfor type integer'), { code: '22003' });
    expect(errorReason(error)).toBe('value [redacted] is out of range for type integer (SQLSTATE 22003)');
  });
});

describe('runIsolated', () => {
  const poison = (bad: Set<number>, committed: number[], calls: number[][] = []) => async (items: number[]) => {
    calls.push(items);
    if (items.some((i) => bad.has(i))) throw new Error(`bad record among ${items.join(',')}`);
    committed.push(...items);
  };

  it('runs a clean batch once', async () => {
    const committed: number[] = [];
    const calls: number[][] = [];
    const setAside = jest.fn();
    expect(await runIsolated([1, 2, 3], { run: poison(new Set(), committed, calls), setAside })).toBe(0);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(setAside).not.toHaveBeenCalled();
  });

  it('sets aside exactly the records that fail alone and lets every other one through, in order', async () => {
    const committed: number[] = [];
    const asides: Array<[number, string]> = [];
    const items = Array.from({ length: 37 }, (_, i) => i);
    const count = await runIsolated(items, {
      run: poison(new Set([0, 17, 36]), committed),
      setAside: async (item, reason) => void asides.push([item, reason]),
    });
    expect(count).toBe(3);
    expect(asides.map(([item]) => item)).toEqual([0, 17, 36]);
    expect(asides[1][1]).toBe('bad record among 17');
    expect(committed).toEqual(items.filter((i) => ![0, 17, 36].includes(i)));
  });

  it('re-throws a transient error instead of quarantining good records', async () => {
    const setAside = jest.fn();
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    await expect(runIsolated([1, 2], { run: async () => Promise.reject(down), setAside })).rejects.toBe(down);
    expect(setAside).not.toHaveBeenCalled();
  });
});
