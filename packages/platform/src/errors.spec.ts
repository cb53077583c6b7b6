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
    // Fastify's JSON parser rejects with the SyntaxError, a 400 statusCode on it.
    const parserError = Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 });
    expect(toErrorResponse(parserError)).toMatchObject({ status: 400, body: { error: { code: 'invalid_json' } }, unexpected: false });
  });

  it.each([
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'payload_too_large'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'unsupported_media_type'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'invalid_json'],
  ])('answers Fastify %s with %i %s', (code, statusCode, expected) => {
    expect(toErrorResponse(Object.assign(new Error('x'), { code, statusCode }))).toMatchObject({
      status: statusCode,
      body: { error: { code: expected } },
      unexpected: false,
    });
  });

  it('keeps a 5xx statusCode on an error for what it is: unexpected, 500', () => {
    expect(toErrorResponse(Object.assign(new Error('x'), { statusCode: 503 }))).toMatchObject({ status: 500, unexpected: true });
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
