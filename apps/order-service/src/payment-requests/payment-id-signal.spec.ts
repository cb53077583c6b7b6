import { PaymentIdSignal } from './payment-id-signal';

describe('PaymentIdSignal', () => {
  it('wakes the waiters of an order when its payment id is recorded, and only those', async () => {
    const signal = new PaymentIdSignal();
    const woken: string[] = [];
    const first = signal.wait('ord_1', 60_000).then(() => woken.push('ord_1 first'));
    const second = signal.wait('ord_1', 60_000).then(() => woken.push('ord_1 second'));
    const other = signal.wait('ord_2', 60_000).then(() => woken.push('ord_2'));
    try {
      signal.recorded(['ord_1', 'ord_3']);
      await Promise.all([first, second]);
      expect(woken).toEqual(['ord_1 first', 'ord_1 second']);
      signal.recorded(['ord_2']);
      await other;
      expect(woken).toEqual(['ord_1 first', 'ord_1 second', 'ord_2']);
    } finally {
      // No 60 s timer outlives the test, whatever failed.
      signal.recorded(['ord_1', 'ord_2']);
    }
  });

  it('lets a waiter go after its timeout, and keeps nothing of it', async () => {
    const signal = new PaymentIdSignal();
    await signal.wait('ord_1', 10);
    expect((signal as unknown as { waiting: Map<string, unknown> }).waiting.size).toBe(0);
  });
});
