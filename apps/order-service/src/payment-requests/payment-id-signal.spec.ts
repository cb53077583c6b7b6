import { PaymentIdSignal } from './payment-id-signal';

describe('PaymentIdSignal', () => {
  let signal: PaymentIdSignal;
  beforeEach(() => {
    signal = new PaymentIdSignal();
  });
  // No 60 s timer outlives a test, whatever failed or hung (afterEach runs after a timeout too).
  afterEach(() => signal.recorded(['ord_1', 'ord_2']));

  it('wakes the waiters of an order when its payment id is recorded, and only those', async () => {
    const woken: string[] = [];
    const first = signal.wait('ord_1', 60_000).then(() => woken.push('ord_1 first'));
    const second = signal.wait('ord_1', 60_000).then(() => woken.push('ord_1 second'));
    const other = signal.wait('ord_2', 60_000).then(() => woken.push('ord_2'));
    signal.recorded(['ord_1', 'ord_3']);
    await Promise.all([first, second]);
    expect(woken).toEqual(['ord_1 first', 'ord_1 second']);
    signal.recorded(['ord_2']);
    await other;
    expect(woken).toEqual(['ord_1 first', 'ord_1 second', 'ord_2']);
  });

  it('asks the recorder to hurry whenever a webhook starts to wait', async () => {
    let hurried = 0;
    signal.onWait(() => (hurried += 1));
    const waits = [signal.wait('ord_1', 60_000), signal.wait('ord_2', 60_000)];
    expect(hurried).toBe(2);
    signal.recorded(['ord_1', 'ord_2']);
    await Promise.all(waits);
  });

  it('lets the waiters of an answer go when its recording ends, whatever came of it', async () => {
    signal.answered(['ord_1']);
    let woken = false;
    const waiting = signal.wait('ord_1', 60_000).then(() => (woken = true));
    signal.settled(['ord_1']);
    await waiting;
    expect([woken, signal.isRecording('ord_1')]).toEqual([true, false]);
  });

  it("knows whose answer is being recorded, until its recording ends whatever came of it", () => {
    signal.answered(['ord_1', 'ord_2']);
    expect([signal.isRecording('ord_1'), signal.isRecording('ord_2'), signal.isRecording('ord_3')]).toEqual([true, true, false]);
    signal.settled(['ord_1']);
    expect([signal.isRecording('ord_1'), signal.isRecording('ord_2')]).toEqual([false, true]);
    signal.settled(['ord_2']);
    expect((signal as unknown as { answering: Set<string> }).answering.size).toBe(0);
  });

  it('lets a waiter go after its timeout, and keeps nothing of it', async () => {
    await signal.wait('ord_1', 10);
    expect((signal as unknown as { waiting: Map<string, unknown> }).waiting.size).toBe(0);
  });
});
