import {
  ArgumentsHost,
  Catch,
  HttpException,
  HttpStatus,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
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

// Codes for Nest's plain HttpExceptions (an unknown route, a method not allowed…).
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

// Fastify's own errors (body parsing, content types) carry a 4xx `statusCode` and an FST_ code: the client's fault.
const FASTIFY_ERRORS: Record<string, [string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'The request body is too large.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'The request body must be application/json.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['invalid_content_length', 'The request body does not match its Content-Length.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_json', 'The request body is empty; send a JSON object.'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['invalid_json', 'The request body is not valid JSON.'],
};

function fastifyError(exception: unknown): { status: number; code: string; message: string } | undefined {
  const { statusCode, code } = (exception ?? {}) as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode >= 500) return undefined;
  // A JSON syntax error from the body parser has a 400 and no FST_ code.
  const [known, message] = (typeof code === 'string' && FASTIFY_ERRORS[code]) || (statusCode === 400 ? ['invalid_json', 'The request body is not valid JSON.'] : []);
  return { status: statusCode, code: known ?? CODE_BY_STATUS[statusCode] ?? 'invalid_request', message: message ?? 'The request is not valid.' };
}

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
  const refused = fastifyError(exception);
  if (refused) {
    return { status: refused.status, body: { error: { type: TYPE_BY_STATUS[refused.status] ?? 'invalid_request_error', code: refused.code, message: refused.message } }, unexpected: false };
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
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, unexpected } = toErrorResponse(exception);
    if (unexpected) this.logger.error({ err: exception }, 'request failed');
    if (reply.sent || reply.raw.headersSent) return;
    void reply.status(status).send(body);
  }
}
