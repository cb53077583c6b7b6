import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { AttemptResult } from '../deliveries/domain/retry-policy';
import type { SendResult } from '../deliveries/http-sender';

/** What ends an attempt; `durationMs` where the listener timed its local POST itself. */
type Reported = AttemptResult & { responseBody?: Buffer; durationMs?: number };

/** A webhook as the dispatcher signed it, for a listening CLI to POST byte for byte. */
export interface ListenerWebhook {
  deliveryId: string;
  headers: Record<string, string>;
  body: string;
}

/** What a listening CLI reports of its local POST. */
export interface ListenerReport {
  statusCode?: number;
  error?: string;
  durationMs: number;
  responseBody?: Buffer;
}

interface Awaited {
  endpointId: string;
  stream: Subject<ListenerWebhook>;
  settle: (result: Reported) => void;
}

/**
 * The listeners connected to this instance (`payhook listen`), per endpoint, and the
 * webhooks sent to them whose outcome they have not reported yet. Bounded: a stream leaves
 * when its connection closes, and an awaited webhook when it is reported, its stream
 * closes or the attempt times out (at most WEBHOOK_CONCURRENCY are in flight).
 */
@Injectable()
export class ListenerHub {
  private readonly streams = new Map<string, Array<Subject<ListenerWebhook>>>();
  private readonly awaiting = new Map<string, Awaited>();

  /** A connection opened: its webhooks come on the stream returned until `detach`. */
  attach(endpointId: string): { webhooks: Subject<ListenerWebhook>; detach: () => void } {
    const stream = new Subject<ListenerWebhook>();
    this.streams.set(endpointId, [...(this.streams.get(endpointId) ?? []), stream]);
    const detach = () => {
      const left = (this.streams.get(endpointId) ?? []).filter((s) => s !== stream);
      if (left.length > 0) this.streams.set(endpointId, left);
      else this.streams.delete(endpointId);
      for (const awaited of [...this.awaiting.values()]) {
        if (awaited.stream === stream) awaited.settle({ kind: 'error', error: 'the listener disconnected before reporting' });
      }
      stream.complete();
    };
    return { webhooks: stream, detach };
  }

  isConnected(endpointId: string): boolean {
    return this.streams.has(endpointId);
  }

  /**
   * Hands the webhook to the endpoint's newest connection and waits for its report. No
   * connection here, no report in time, or a connection closed first: an error attempt, retried as any other.
   */
  deliver(endpointId: string, webhook: ListenerWebhook, timeoutMs: number): Promise<SendResult> {
    const stream = this.streams.get(endpointId)?.at(-1);
    if (!stream) return Promise.resolve({ kind: 'error', error: 'no listener connected', durationMs: 0 });
    this.awaiting.get(webhook.deliveryId)?.settle({ kind: 'error', error: 'sent again before the listener reported' });
    const started = performance.now();
    return new Promise((resolve) => {
      const settle = (result: Reported) => {
        clearTimeout(timer);
        this.awaiting.delete(webhook.deliveryId);
        // The local receiver's own time when the listener reports it; otherwise the wait here.
        resolve({ ...result, durationMs: result.durationMs ?? Math.round(performance.now() - started) });
      };
      const timer = setTimeout(() => settle({ kind: 'error', error: `timeout after ${timeoutMs} ms: the listener did not report` }), timeoutMs);
      this.awaiting.set(webhook.deliveryId, { endpointId, stream, settle });
      stream.next(webhook);
    });
  }

  /** The listener's report of a webhook it was sent; false if none of this endpoint's is awaited under that id. */
  report(endpointId: string, deliveryId: string, report: ListenerReport): boolean {
    const awaited = this.awaiting.get(deliveryId);
    if (!awaited || awaited.endpointId !== endpointId) return false;
    awaited.settle(
      report.statusCode === undefined
        ? { kind: 'error', error: `listener: ${report.error ?? 'no answer'}`, responseBody: report.responseBody, durationMs: report.durationMs }
        : { kind: 'response', statusCode: report.statusCode, responseBody: report.responseBody, durationMs: report.durationMs },
    );
    return true;
  }
}
