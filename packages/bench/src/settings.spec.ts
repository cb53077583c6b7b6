import { benchSettings } from './settings';

describe('benchSettings', () => {
  it('defaults to 200 orders/s for 20 s and a 30 s idle watch', () => {
    expect(benchSettings({}, [])).toMatchObject({ rate: 200, seconds: 20, idleSeconds: 30, smoke: false });
  });

  it('shrinks everything to a few seconds with --smoke', () => {
    const smoke = benchSettings({}, ['--smoke']);
    expect(smoke.smoke).toBe(true);
    expect(smoke.seconds + smoke.idleSeconds + smoke.rampStepSeconds * 2).toBeLessThan(15);
  });

  it('takes figures from BENCH_* and refuses nonsense', () => {
    expect(benchSettings({ BENCH_RATE: '500' }, []).rate).toBe(500);
    expect(() => benchSettings({ BENCH_RATE: 'fast' }, [])).toThrow('BENCH_RATE must be a positive number, got "fast"');
  });

  it('runs one instance of each app unless BENCH_INSTANCES says 2 to 4', () => {
    expect(benchSettings({}, []).instances).toBe(1);
    expect(benchSettings({ BENCH_INSTANCES: '2' }, []).instances).toBe(2);
    for (const bad of ['0', '5', '1.5', 'two']) expect(() => benchSettings({ BENCH_INSTANCES: bad }, [])).toThrow(`BENCH_INSTANCES must be a whole number from 1 to 4, got "${bad}"`);
  });
});
