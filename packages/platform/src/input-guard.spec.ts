import type { FastifyReply, FastifyRequest } from 'fastify';
import { inputProblem, MAX_JSON_DEPTH, rejectUnstorableInput } from './input-guard';

function nested(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

describe('inputProblem', () => {
  it.each([
    ['a\u0000b', 'nul'],
    [['ok', ['x\u0000']], 'nul'],
    [{ nested: { deeper: 'y\u0000' } }, 'nul'],
    [{ ['key\u0000']: 1 }, 'nul'],
    ['\ud800', 'lone_surrogate'],
    [{ sku: 'a\udc00b' }, 'lone_surrogate'],
    [{ ['k\ud83d']: 'v' }, 'lone_surrogate'],
    ['𝕳 🙂', undefined],
    ['plain', undefined],
    [{ a: [1, 'b', null, { c: true }] }, undefined],
    [42, undefined],
  ])('%j → %s', (value, expected) => {
    expect(inputProblem(value)).toBe(expected);
  });

  it('accepts nesting up to the limit and refuses deeper, without recursion (100,000 levels)', () => {
    expect(inputProblem(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(inputProblem(nested(MAX_JSON_DEPTH + 1))).toBe('too_deep');
    expect(inputProblem(nested(100_000))).toBe('too_deep');
  });
});

describe('rejectUnstorableInput', () => {
  function run(req: { url?: string; query?: unknown; body?: unknown }): { status?: number; body?: unknown; passed: boolean } {
    const outcome: { status?: number; body?: unknown; passed: boolean } = { passed: false };
    const res = {
      status(code: number) {
        outcome.status = code;
        return this;
      },
      send(body: unknown) {
        outcome.body = body;
        return this;
      },
    } as unknown as FastifyReply;
    rejectUnstorableInput({ url: '/v1/x', query: {}, body: undefined, ...req } as FastifyRequest, res, () => {
      outcome.passed = true;
    });
    return outcome;
  }

  it('lets clean requests through', () => {
    expect(run({ url: '/v1/orders/ord_1?limit=5', query: { limit: '5' }, body: { a: 'b' } })).toEqual({ passed: true });
  });

  it.each([
    ['the path', { url: '/v1/orders/ord_%00' }],
    ['the query', { query: { cursor: 'a\u0000' } }],
    ['the body', { body: { description: 'x\u0000' } }],
    ['a body key', { body: { metadata: { ['\ud800']: 'x' } } }],
  ])('answers a NUL in %s with 400 invalid_characters', (_where, req) => {
    expect(run(req)).toEqual({
      passed: false,
      status: 400,
      body: { error: expect.objectContaining({ type: 'invalid_request_error', code: 'invalid_characters' }) },
    });
  });

  it('answers a body nested too deep with 400 too_deeply_nested', () => {
    expect(run({ body: nested(5000) })).toMatchObject({ passed: false, status: 400, body: { error: { code: 'too_deeply_nested' } } });
  });

  it('leaves a webhook receiver its raw body (it verifies the signature first)', () => {
    expect(run({ url: '/webhooks/payments', body: { failureCode: 'x\u0000' } })).toEqual({ passed: true });
  });

  it('answers broken percent-encoding with 400 invalid_url', () => {
    expect(run({ url: '/v1/orders/%E0%A4%A' })).toMatchObject({ passed: false, status: 400, body: { error: { code: 'invalid_url' } } });
  });
});
