import { isPaymentEventType, parsePaymentEvent, PAYMENT_EVENT_TYPES } from './payment-events';

const validEvent = {
  id: 'evt_1',
  type: 'payment.succeeded',
  createdAt: '2026-01-01T00:00:00.000Z',
  data: {
    object: {
      id: 'pay_1',
      orderId: 'ord_1',
      amount: 1000,
      currency: 'EUR',
      status: 'succeeded',
      captureMethod: 'automatic',
      amountCaptured: 1000,
      amountRefunded: 0,
      failureCode: null,
      metadata: {},
      version: 2,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:01.000Z',
    },
  },
};

describe('payment event contract', () => {
  it('accepts a well-formed event', () => {
    const result = parsePaymentEvent(validEvent);
    expect(result).toEqual({ ok: true, value: validEvent });
  });

  it('refuses an unknown type and names the field', () => {
    const result = parsePaymentEvent({ ...validEvent, type: 'payment.exploded' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/^type:/);
  });

  it('refuses a snapshot without a version', () => {
    const { version: _omitted, ...object } = validEvent.data.object;
    const result = parsePaymentEvent({ ...validEvent, data: { object } });
    expect(!result.ok && result.error).toMatch(/^data\.object\.version:/);
  });

  it('knows every catalogue type and nothing else', () => {
    for (const type of PAYMENT_EVENT_TYPES) expect(isPaymentEventType(type)).toBe(true);
    expect(isPaymentEventType('order.created')).toBe(false);
  });
});
