import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';

/** The one error shape of every Payhook API: `{ "error": { type, code, message } }`. */
export interface ErrorBody {
  error: { type: string; code: string; message: string; details?: unknown };
}

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'authentication_error',
  404: 'not_found_error',
  405: 'invalid_request_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
};

// Nest turns body-parser failures into plain HttpExceptions; a 400 there is bad JSON.
const CODE_BY_STATUS: Record<number, string> = {
  [HttpStatus.BAD_REQUEST]: 'invalid_json',
  [HttpStatus.NOT_FOUND]: 'route_not_found',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'method_not_allowed',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'payload_too_large',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'unsupported_media_type',
};

/** An error a handler throws on purpose, with a stable machine-readable code. */
export class ApiError extends HttpException {
  constructor(status: number, code: string, message: string, details?: unknown) {
    super({ error: { type: TYPE_BY_STATUS[status] ?? 'api_error', code, message, details } } satisfies ErrorBody, status);
  }
}

// body-parser errors carry `type` and `status`; they are the client's fault.
const BODY_PARSER_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'invalid_json', 'The request body is not valid JSON.'],
  'entity.too.large': [413, 'payload_too_large', 'The request body is too large.'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'The request body encoding is not supported.'],
  'charset.unsupported': [415, 'unsupported_charset', 'The request body charset is not supported.'],
  'request.aborted': [400, 'request_aborted', 'The request was aborted.'],
};

export function toErrorResponse(exception: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    if (typeof response === 'object' && response !== null && 'error' in response && typeof response.error === 'object') {
      return { status, body: response as ErrorBody, unexpected: false };
    }
    const message = typeof response === 'string' ? response : exception.message;
    const code = CODE_BY_STATUS[status] ?? 'http_error';
    return { status, body: { error: { type: TYPE_BY_STATUS[status] ?? 'api_error', code, message } }, unexpected: status >= 500 };
  }
  const parserType = (exception as { type?: string }).type;
  if (parserType && BODY_PARSER_ERRORS[parserType]) {
    const [status, code, message] = BODY_PARSER_ERRORS[parserType];
    return { status, body: { error: { type: TYPE_BY_STATUS[status], code, message } }, unexpected: false };
  }
  return {
    status: 500,
    body: { error: { type: 'api_error', code: 'internal_error', message: 'An unexpected error occurred.' } },
    unexpected: true,
  };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body, unexpected } = toErrorResponse(exception);
    if (unexpected) this.logger.error({ err: exception }, 'request failed');
    if (response.headersSent) return;
    response.status(status).json(body);
  }
}
