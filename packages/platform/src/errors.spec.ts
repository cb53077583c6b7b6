import { BadRequestException, NotFoundException } from '@nestjs/common';
import { ApiError, toErrorResponse } from './errors';

describe('toErrorResponse', () => {
  it('keeps the code and message of an ApiError', () => {
    const result = toErrorResponse(new ApiError(409, 'version_conflict', 'Someone else changed it.'));
    expect(result).toEqual({
      status: 409,
      unexpected: false,
      body: { error: { type: 'conflict_error', code: 'version_conflict', message: 'Someone else changed it.' } },
    });
  });

  it('answers invalid JSON from the body parser with 400, not 500', () => {
    const parserError = Object.assign(new SyntaxError('Unexpected token'), { type: 'entity.parse.failed', status: 400 });
    expect(toErrorResponse(parserError)).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } } });
  });

  it('answers an oversized body with 413', () => {
    expect(toErrorResponse({ type: 'entity.too.large', status: 413 })).toMatchObject({
      status: 413,
      body: { error: { code: 'payload_too_large' } },
    });
  });

  it('maps Nest HTTP exceptions into the same shape', () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /x'))).toMatchObject({
      status: 404,
      body: { error: { type: 'not_found_error', code: 'route_not_found', message: 'Cannot GET /x' } },
    });
    expect(toErrorResponse(new BadRequestException('Unexpected token } in JSON'))).toMatchObject({
      status: 400,
      body: { error: { code: 'invalid_json' } },
    });
  });

  it('hides the details of an unexpected error behind a generic 500', () => {
    const result = toErrorResponse(new Error('connection terminated: password=x'));
    expect(result).toEqual({
      status: 500,
      unexpected: true,
      body: { error: { type: 'api_error', code: 'internal_error', message: 'An unexpected error occurred.' } },
    });
  });
});
