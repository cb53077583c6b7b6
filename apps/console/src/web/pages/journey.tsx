import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiFailure, time, type Delivery } from '../api';

const CARDS = [
  { number: '4242424242424242', label: '4242 4242 4242 4242 (succeeds)' },
  { number: '4000000000000002', label: '4000 0000 0000 0002 (card_declined)' },
  { number: '4000000000009995', label: '4000 0000 0000 9995 (insufficient_funds)' },
];

interface Change {
  status: string;
  cause: string;
  webhookId: string | null;
  at: string;
}

interface Hop {
  name: string;
  at?: string;
  detail?: string;
  link?: string;
}

const TERMINAL = new Set(['paid', 'payment_failed', 'canceled', 'refunded']);

/**
 * Places an order with a chosen test card and follows it live: the order's changes come
 * from its Server-Sent Events stream; the payment's events and the webhook's delivery are
 * read as they appear. Each hop shows its time and how long after the order it came.
 */
export function JourneyPage() {
  const [card, setCard] = useState(CARDS[0].number);
  const [amount, setAmount] = useState(2500);
  const [orderId, setOrderId] = useState<string>();
  const [status, setStatus] = useState<string>();
  const [changes, setChanges] = useState<Change[]>([]);
  const [paymentId, setPaymentId] = useState<string | null>(null);
  const [paymentEvents, setPaymentEvents] = useState<Array<{ id: string; type: string; createdAt: string }>>([]);
  const [delivery, setDelivery] = useState<Delivery>();
  const [error, setError] = useState('');
  const stream = useRef<EventSource>(undefined);

  useEffect(() => () => stream.current?.close(), []);

  const place = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    stream.current?.close();
    setChanges([]);
    setPaymentEvents([]);
    setDelivery(undefined);
    setPaymentId(null);
    try {
      const order = await api<{ id: string; status: string }>('/orders/v1/orders', { method: 'POST', body: { items: [{ sku: 'console-journey', quantity: 1, unitPrice: amount }], currency: 'EUR', paymentMethod: card } });
      setOrderId(order.id);
      setStatus(order.status);
      const source = new EventSource(`/api/orders/v1/orders/${order.id}/stream`);
      source.addEventListener('order', (message) => {
        const data = JSON.parse((message as MessageEvent<string>).data) as { status: string; paymentId: string | null; change: Change };
        setStatus(data.status);
        setPaymentId(data.paymentId);
        setChanges((seen) => (seen.some((c) => c.at === data.change.at && c.status === data.change.status) ? seen : [...seen, data.change]));
        if (TERMINAL.has(data.status)) source.close();
      });
      stream.current = source;
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : String(failure));
    }
  };

  // The payment's events, then the webhook's delivery, read until the order has settled and the delivery is in.
  const settledChange = changes.find((c) => TERMINAL.has(c.status));
  useEffect(() => {
    if (!paymentId) return;
    let stopped = false;
    const read = async () => {
      const { data } = await api<{ data: Array<{ id: string; type: string; createdAt: string }> }>(`/payments/v1/payments/${paymentId}/events`);
      if (!stopped) setPaymentEvents(data);
      if (settledChange?.webhookId) {
        const found = await api<Delivery>(`/dispatcher/v1/deliveries/${settledChange.webhookId}`).catch(() => undefined);
        if (!stopped && found) setDelivery(found);
      }
    };
    void read();
    const timer = setInterval(() => void read(), 300);
    const deadline = setTimeout(() => clearInterval(timer), 60_000);
    return () => {
      stopped = true;
      clearInterval(timer);
      clearTimeout(deadline);
    };
  }, [paymentId, settledChange?.webhookId]);

  const placedAt = changes[0]?.at;
  const outcome = paymentEvents.find((e) => e.type !== 'payment.created');
  const hops: Hop[] = [
    { name: 'order placed', at: placedAt, detail: orderId },
    { name: 'payment processing', at: paymentEvents.find((e) => e.type === 'payment.created')?.createdAt, detail: paymentId ?? undefined },
    { name: outcome ? outcome.type.replace('payment.', 'payment ') : 'payment settled', at: outcome?.createdAt, detail: outcome?.id },
    {
      name: 'webhook delivered',
      at: delivery?.deliveredAt ?? undefined,
      detail: delivery ? `${delivery.id} after ${delivery.attempts} attempt(s)` : undefined,
      link: delivery ? `#/deliveries?id=${delivery.id}` : undefined,
    },
    { name: settledChange ? settledChange.status.replace('_', ' ') : 'order settled', at: settledChange?.at, detail: settledChange ? `by ${settledChange.cause}` : undefined },
  ];
  const after = (at?: string) => (at && placedAt ? `+${Math.max(0, Date.parse(at) - Date.parse(placedAt))} ms` : '');

  return (
    <>
      <h2>Storefront journey</h2>
      <form className="card" onSubmit={place}>
        <select aria-label="Test card" value={card} onChange={(e) => setCard(e.target.value)}>
          {CARDS.map((c) => (
            <option key={c.number} value={c.number}>
              {c.label}
            </option>
          ))}
        </select>
        <input aria-label="Amount (cents)" type="number" min={1} value={amount} onChange={(e) => setAmount(Number(e.target.value))} />
        <button type="submit">Place order</button>
        {error && <p className="error">{error}</p>}
      </form>
      {orderId && (
        <div className="card">
          <h3>
            Order <code>{orderId}</code>: <span data-testid="order-status" className={`status-${status}`}>{status}</span>
          </h3>
          <ol className="hops">
            {hops.map((hop) => (
              <li key={hop.name} className={hop.at ? 'done' : ''} data-hop={hop.name}>
                <strong>{hop.name}</strong> {time(hop.at)} {after(hop.at)} {hop.link ? <a href={hop.link}>{hop.detail}</a> : <code>{hop.detail}</code>}
              </li>
            ))}
          </ol>
        </div>
      )}
    </>
  );
}
