import type { Request, Response } from 'express';
import { containsNul, rejectNulCharacters } from './nul-guard';

describe('containsNul', () => {
  it.each([
    ['a\u0000b', true],
    [['ok', ['x\u0000']], true],
    [{ nested: { deeper: 'y\u0000' } }, true],
    [{ ['key\u0000']: 1 }, true],
    ['plain', false],
    [{ a: [1, 'b', null, { c: true }] }, false],
    [42, false],
  ])('%j → %s', (value, expected) => {
    expect(containsNul(value)).toBe(expected);
  });
});

describe('rejectNulCharacters', () => {
  function run(req: Partial<Request>): { status?: number; body?: unknown; passed: boolean } {
    const outcome: { status?: number; body?: unknown; passed: boolean } = { passed: false };
    const res = {
      status(code: number) {
        outcome.status = code;
        return this;
      },
      json(body: unknown) {
        outcome.body = body;
        return this;
      },
    } as unknown as Response;
    rejectNulCharacters({ originalUrl: '/v1/x', query: {}, body: undefined, ...req } as Request, res, () => {
      outcome.passed = true;
    });
    return outcome;
  }

  it('lets clean requests through', () => {
    expect(run({ originalUrl: '/v1/orders/ord_1?limit=5', query: { limit: '5' }, body: { a: 'b' } })).toEqual({ passed: true });
  });

  it.each([
    ['the path', { originalUrl: '/v1/orders/ord_%00' }],
    ['the query', { query: { cursor: 'a\u0000' } }],
    ['the body', { body: { description: 'x\u0000' } }],
  ])('answers a NUL in %s with 400 invalid_characters', (_where, req) => {
    expect(run(req)).toEqual({
      passed: false,
      status: 400,
      body: { error: expect.objectContaining({ type: 'invalid_request_error', code: 'invalid_characters' }) },
    });
  });

  it('answers broken percent-encoding with 400 invalid_url', () => {
    expect(run({ originalUrl: '/v1/orders/%E0%A4%A' })).toMatchObject({ passed: false, status: 400, body: { error: { code: 'invalid_url' } } });
  });
});
