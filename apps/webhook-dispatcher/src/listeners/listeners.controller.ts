import { Controller, HttpCode, Inject, Param, Post, Put, Sse, UseGuards, type MessageEvent } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiError, ApiErrors, BearerAuthGuard, ZodBody } from '@payhook/platform';
import { interval, map, merge, Observable, startWith } from 'rxjs';
import { z } from 'zod';
import { DISPATCHER_CONFIG, type DispatcherConfig } from '../config';
import { ListenerHub } from './listener-hub';
import { listenerReportSchema, openListenerSchema, type ListenerReportRequest, type OpenListenerRequest } from './listener-requests';
import { LISTENER_NAME } from './listener-url';
import { ListenersService } from './listeners.service';

/** A comment-like event every 15 s keeps idle proxies from closing the stream and shows a dead peer. */
const KEEPALIVE_MS = 15_000;

const openedListenerSchema = z.object({
  name: z.string(),
  endpointId: z.string(),
  eventTypes: z.array(z.string()),
  connected: z.boolean().meta({ description: 'Whether a listener is connected to this dispatcher instance now' }),
  secret: z.string().meta({ description: "The signing secret (whsec_…) of the listener's webhooks: local development, shown to the listener each time" }),
});

function checkName(name: string): string {
  if (!LISTENER_NAME.test(name)) throw new ApiError(400, 'invalid_listener_name', 'A listener name is 1 to 63 lowercase letters, digits, "-" or "_", starting with a letter or digit.');
  return name;
}

@ApiTags('listeners')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('v1/listeners')
export class ListenersController {
  constructor(
    private readonly listeners: ListenersService,
    private readonly hub: ListenerHub,
    @Inject(DISPATCHER_CONFIG) private readonly config: DispatcherConfig,
  ) {}

  @Put(':name')
  @ApiOperation({ summary: 'Open a listener (`payhook listen`): an endpoint whose webhooks go to a connected CLI; created held, or its event types updated' })
  @ApiResponse({ status: 200, description: 'The listener and its signing secret', standardSchema: openedListenerSchema })
  @ApiErrors(400, 401, 422)
  open(@Param('name') name: string, @ZodBody(openListenerSchema, { allowEmpty: true }) body: OpenListenerRequest) {
    return this.listeners.open(checkName(name), body.eventTypes);
  }

  @Sse(':name/stream')
  @ApiOperation({ summary: "Server-Sent Events: `ready`, then each webhook as signed (`webhook`: {deliveryId, headers, body}), and `ping` every 15 s; the endpoint is enabled while one is connected" })
  @ApiProduces('text/event-stream')
  @ApiResponse({ status: 200, description: 'The stream', content: { 'text/event-stream': { schema: { type: 'string' } } } })
  @ApiErrors(400, 401, 404)
  async stream(@Param('name') name: string): Promise<Observable<MessageEvent>> {
    const endpoint = await this.listeners.find(checkName(name));
    return new Observable<MessageEvent>((subscriber) => {
      const { webhooks, detach } = this.hub.attach(endpoint.id);
      const events = merge(
        webhooks.pipe(map((webhook): MessageEvent => ({ type: 'webhook', data: webhook }))),
        interval(KEEPALIVE_MS).pipe(map((): MessageEvent => ({ type: 'ping', data: {} }))),
      ).pipe(startWith<MessageEvent>({ type: 'ready', data: { name, endpointId: endpoint.id } }));
      const subscription = events.subscribe(subscriber);
      void this.listeners.settle(endpoint.id);
      return () => {
        subscription.unsubscribe();
        detach();
        void this.listeners.settle(endpoint.id);
      };
    });
  }

  @Post(':name/reports')
  @HttpCode(204)
  @ApiOperation({ summary: "A listener reports what its local receiver answered to a webhook it was sent: the attempt's outcome" })
  @ApiResponse({ status: 204, description: 'Recorded as the attempt’s outcome' })
  @ApiErrors(400, 401, 404)
  async report(@Param('name') name: string, @ZodBody(listenerReportSchema) report: ListenerReportRequest): Promise<void> {
    const endpoint = await this.listeners.find(checkName(name));
    const responseBody = report.responseBodyBase64 === undefined ? undefined : Buffer.from(report.responseBodyBase64, 'base64').subarray(0, this.config.WEBHOOK_RESPONSE_MAX_BYTES);
    if (!this.hub.report(endpoint.id, report.deliveryId, { statusCode: report.statusCode, error: report.error, durationMs: report.durationMs, responseBody })) {
      throw new ApiError(404, 'webhook_not_awaited', 'This listener was sent no webhook with that delivery id that awaits a report (it timed out, or was reported already).');
    }
  }
}
