import { disconnectWithin } from './disconnect-within';

describe('disconnectWithin', () => {
  it('resolves when the disconnect does', async () => {
    const disconnect = jest.fn().mockResolvedValue(undefined);
    await disconnectWithin(disconnect, 10_000);
    expect(disconnect).toHaveBeenCalledTimes(1);
  });

  it('gives up on a disconnect that never ends, after the deadline', async () => {
    const started = Date.now();
    await disconnectWithin(() => new Promise<void>(() => undefined), 50);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('swallows a failed disconnect: the app is shutting down either way', async () => {
    await expect(disconnectWithin(() => Promise.reject(new Error('broker gone')), 1000)).resolves.toBeUndefined();
  });
});
