import { waitFor } from '@payhook/testkit';

/** The stack's URLs and keys, as `npm start` runs it. */
export interface StackAccess {
  payments: string;
  dispatcher: string;
  orders: string;
  paymentApiKey: string;
  dispatcherApiKey: string;
  orderWebhookUrl: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function json(url: string, init: RequestInit = {}): Promise<any> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}`);
  return response.json();
}

/**
 * Places one demo order and reports each step of its journey, with the URL that shows
 * it: order placed → payment succeeded → webhook delivered → order paid.
 */
export async function demoJourney(stack: StackAccess, say: (line: string) => void): Promise<void> {
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const order = await json(`${stack.orders}/v1/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ items: [{ sku: 'demo-tee', quantity: 2, unitPrice: 1250 }], currency: 'EUR', paymentMethod: '4242 4242 4242 4242' }),
  });
  say(`1. order placed        ${order.id} (${order.amount} ${order.currency})  ${stack.orders}/v1/orders/${order.id}`);

  const paid = await waitFor(
    async () => {
      const current = await json(`${stack.orders}/v1/orders/${order.id}`);
      return current.status === 'pending_payment' ? undefined : current;
    },
    { timeoutMs: 30_000, intervalMs: 100, description: `demo order ${order.id} to be settled` },
  );
  const payment = await json(`${stack.payments}/v1/payments/${paid.paymentId}`, { headers: bearer(stack.paymentApiKey) });
  say(`2. payment ${payment.status.padEnd(12)} ${payment.id}  ${stack.payments}/v1/payments/${payment.id} (Bearer PAYMENT_API_KEY)`);

  const cause = paid.history.at(-1);
  const endpoints = await json(`${stack.dispatcher}/v1/endpoints`, { headers: bearer(stack.dispatcherApiKey) });
  const endpoint = endpoints.data.find((e: { url: string }) => e.url === stack.orderWebhookUrl);
  const deliveries = await json(`${stack.dispatcher}/v1/endpoints/${endpoint.id}/deliveries?status=delivered`, { headers: bearer(stack.dispatcherApiKey) });
  const delivery = deliveries.data.find((d: { eventId: string }) => d.eventId === cause.eventId);
  if (delivery) {
    say(`3. webhook delivered   ${delivery.id} after ${delivery.attempts} attempt(s)  ${stack.dispatcher}/v1/deliveries/${delivery.id} (Bearer DISPATCHER_API_KEY)`);
  }
  say(`4. order ${paid.status.padEnd(14)} ${paid.id}  live: curl -N ${stack.orders}/v1/orders/${paid.id}/stream`);
}
