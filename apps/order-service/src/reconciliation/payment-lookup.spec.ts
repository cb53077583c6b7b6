import { judgeLookup } from './payment-lookup';

const payment = {
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
  createdAt: '2026-11-23T10:00:00.000Z',
  updatedAt: '2026-11-23T10:00:01.000Z',
};
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('judgeLookup', () => {
  it('uses a 200 carrying the payment asked about', () => {
    expect(judgeLookup(200, bytes(payment), 'pay_1')).toEqual({ kind: 'found', payment });
  });

  it.each([[500], [503], [429], [408]])('tries again later after %i', (status) => {
    expect(judgeLookup(status, bytes(''), 'pay_1').kind).toBe('unavailable');
  });

  it.each([
    ['a 404', 404, bytes({ error: { code: 'payment_not_found' } })],
    ['another payment', 200, bytes({ ...payment, id: 'pay_2' })],
    ['a body that is not JSON', 200, bytes('\u0000\xff')],
    ['JSON that is not a payment', 200, bytes({ id: 'pay_1' })],
    ['a payment with an unknown status', 200, bytes({ ...payment, status: 'teleported' })],
  ])('sets aside %s', (_name, status, answer) => {
    expect(judgeLookup(status, answer, 'pay_1')).toMatchObject({ kind: 'invalid', answer });
  });
});
