import { rampRates, sustained } from './ramp';
import { schedule } from './open-loop';

describe('sustained', () => {
  const step = { targetRate: 400, acceptedRate: 400, settledRate: 398, backlogEarly: 300, backlogEnd: 320 };

  it('holds when the load is accepted and the backlog stays flat', () => {
    expect(sustained(step)).toBe(true);
  });

  it('fails when the backlog keeps growing', () => {
    expect(sustained({ ...step, backlogEnd: 300 + 0.25 * 400 + 1 })).toBe(false);
  });

  it('fails when requests are not accepted at the offered rate', () => {
    expect(sustained({ ...step, acceptedRate: 370 })).toBe(false);
  });
});

describe('rampRates', () => {
  it('steps from start to max inclusive', () => {
    expect(rampRates(200, 200, 1000)).toEqual([200, 400, 600, 800, 1000]);
  });
});

describe('schedule', () => {
  it('spaces requests evenly at the rate', () => {
    expect(schedule(4, 1)).toEqual([0, 250, 500, 750]);
    expect(schedule(200, 2)).toHaveLength(400);
  });
});
