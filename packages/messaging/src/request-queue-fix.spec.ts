import { applyRequestQueueFix, scheduleCheckPendingRequests } from './request-queue-fix';

function queue(pending: unknown[], throttledUntil = -1) {
  return { pending, throttledUntil, throttleCheckTimeoutId: null as NodeJS.Timeout | null, checkPendingRequests: jest.fn(), scheduleCheckPendingRequests };
}

describe('scheduleCheckPendingRequests (fixed)', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('arms no timer when nothing is pending: an idle connection stays idle', () => {
    const q = queue([]);
    q.scheduleCheckPendingRequests();
    expect(q.throttleCheckTimeoutId).toBeNull();
    expect(jest.getTimerCount()).toBe(0);
  });

  it('checks pending requests after the pending-check interval when not throttled', () => {
    const q = queue(['request']);
    q.scheduleCheckPendingRequests();
    jest.advanceTimersByTime(9);
    expect(q.checkPendingRequests).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(q.checkPendingRequests).toHaveBeenCalledTimes(1);
  });

  it('waits out a broker throttle before checking', () => {
    const q = queue(['request'], Date.now() + 500);
    q.scheduleCheckPendingRequests();
    jest.advanceTimersByTime(499);
    expect(q.checkPendingRequests).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(q.checkPendingRequests).toHaveBeenCalledTimes(1);
  });

  it('replaces the scheduler of the installed kafkajs', () => {
    applyRequestQueueFix();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const RequestQueue = require('kafkajs/src/network/requestQueue');
    expect(RequestQueue.prototype.scheduleCheckPendingRequests).toBe(scheduleCheckPendingRequests);
  });
});
