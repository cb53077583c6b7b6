import { backlogGrowthPerSecond, rampRates, sustained, type BacklogReading } from './ramp';
import { schedule } from './open-loop';

/** Readings one a second from a second in, as the bench takes them. */
const readings = (...backlogs: number[]): BacklogReading[] => backlogs.map((backlog, i) => ({ atSeconds: i + 1, backlog }));

describe('backlogGrowthPerSecond', () => {
  it('is the steady growth of a backlog that rises every second', () => {
    expect(backlogGrowthPerSecond(readings(100, 120, 140, 160, 180, 200, 220, 240))).toBe(20);
  });

  it('leaves out one slow second, at the end or in the middle', () => {
    expect(backlogGrowthPerSecond(readings(100, 101, 99, 100, 102, 100, 99, 400))).toBeLessThan(1);
    expect(backlogGrowthPerSecond(readings(100, 101, 99, 500, 102, 100, 99, 100))).toBeLessThan(1);
  });

  it('uses the readings\' own times, and is 0 with fewer than two', () => {
    expect(backlogGrowthPerSecond([{ atSeconds: 1, backlog: 10 }, { atSeconds: 1.5, backlog: 20 }])).toBe(20);
    expect(backlogGrowthPerSecond([{ atSeconds: 1, backlog: 10 }])).toBe(0);
    expect(backlogGrowthPerSecond([])).toBe(0);
  });
});

describe('sustained', () => {
  const step = { targetRate: 400, acceptedRate: 400, settledRate: 398, backlogReadings: readings(300, 310, 290, 305, 300, 320, 300, 320) };

  it('holds when the load is accepted and the backlog stays flat', () => {
    expect(sustained(step)).toBe(true);
  });

  it('holds through one slow second at the end of the step', () => {
    expect(sustained({ ...step, backlogReadings: readings(300, 310, 290, 305, 300, 320, 300, 900) })).toBe(true);
  });

  it('fails when the backlog keeps growing by more than a quarter-second of load over the step', () => {
    // 15 a second over 7 s is 105, above 0.25 × 400; 14 a second is 98, within it.
    expect(sustained({ ...step, backlogReadings: readings(300, 315, 330, 345, 360, 375, 390, 405) })).toBe(false);
    expect(sustained({ ...step, backlogReadings: readings(300, 314, 328, 342, 356, 370, 384, 398) })).toBe(true);
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
