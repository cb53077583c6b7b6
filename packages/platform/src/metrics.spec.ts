import { Metrics, sharedRead } from './metrics';

describe('sharedRead', () => {
  it('makes one read for the callers that ask while it is in flight, and a new one after', async () => {
    let reads = 0;
    const read = sharedRead(async () => ++reads);
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
    expect(await read()).toBe(2);
  });

  it('lets two gauges fed by one query cost one query per scrape', async () => {
    const metrics = new Metrics('test');
    let queries = 0;
    const backlog = sharedRead(async () => ({ depth: 3, age: 1.5, query: ++queries }));
    metrics.sampled('test_depth', 'depth', [], async () => [{ value: (await backlog()).depth }]);
    metrics.sampled('test_age', 'age', [], async () => [{ value: (await backlog()).age }]);
    const text = await metrics.text();
    expect(text).toMatch(/^test_depth\{service="test"\} 3$/m);
    expect(text).toMatch(/^test_age\{service="test"\} 1\.5$/m);
    expect(queries).toBe(1);
  });
});
