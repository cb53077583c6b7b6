import { isLockConflict, retryOnConflict } from './conflict-retry';

const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });

describe('retryOnConflict', () => {
  it('runs the work again after a deadlock or serialization failure and answers its result', async () => {
    let calls = 0;
    const result = await retryOnConflict(async () => {
      calls += 1;
      if (calls < 3) throw calls === 1 ? deadlock : { driverError: { code: '40001' } };
      return 'done';
    });
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('gives up after the given attempts with the last error', async () => {
    let calls = 0;
    await expect(retryOnConflict(async () => { calls += 1; throw deadlock; }, 2)).rejects.toBe(deadlock);
    expect(calls).toBe(2);
  });

  it('never runs again on any other error', async () => {
    let calls = 0;
    const unique = Object.assign(new Error('duplicate key'), { code: '23505' });
    await expect(retryOnConflict(async () => { calls += 1; throw unique; })).rejects.toBe(unique);
    expect(calls).toBe(1);
    expect(isLockConflict(unique)).toBe(false);
    expect(isLockConflict(new Error('x'))).toBe(false);
  });
});
