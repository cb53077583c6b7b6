import { judgeAnswer } from './payment-answer';

const asked = { orderId: 'ord_1', amount: 1250, currency: 'EUR' };
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));
const payment = { id: 'pay_1', orderId: 'ord_1', amount: 1250, currency: 'EUR', status: 'processing' };

describe('judgeAnswer', () => {
  it('takes the payment asked for', () => {
    expect(judgeAnswer(201, bytes(payment), asked)).toEqual({ kind: 'created', paymentId: 'pay_1' });
    expect(judgeAnswer(200, bytes(payment), asked)).toEqual({ kind: 'created', paymentId: 'pay_1' });
  });

  it.each([
    ['not JSON', '<html>ok</html>'],
    ['a JSON array', '[]'],
    ['no id', { ...payment, id: undefined }],
    ['an id with a NUL', { ...payment, id: 'pay_\u0000' }],
    ['another order', { ...payment, orderId: 'ord_2' }],
    ['another amount', { ...payment, amount: 1 }],
    ['another currency', { ...payment, currency: 'USD' }],
  ])('sets aside a 2xx with %s', (_case, body) => {
    expect(judgeAnswer(201, bytes(body), asked)).toMatchObject({ kind: 'invalid' });
  });

  it('fails the order on a client error, with a code only if it is a plain one', () => {
    expect(judgeAnswer(400, bytes({ error: { code: 'invalid_request' } }), asked)).toEqual({ kind: 'refused', code: 'invalid_request' });
    expect(judgeAnswer(422, bytes({ error: { code: 'x\u0000' } }), asked)).toEqual({ kind: 'refused', code: 'http_422' });
  });

  it('retries what may pass later', () => {
    for (const status of [500, 502, 503, 401, 408, 409, 429]) expect(judgeAnswer(status, bytes('oops'), asked)).toMatchObject({ kind: 'retry' });
  });
});
