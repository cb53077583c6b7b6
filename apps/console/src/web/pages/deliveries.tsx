import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiFailure, DELIVERY_STATUSES, EVENT_TYPES, time, type Attempt, type Delivery, type Endpoint } from '../api';

const FILTERS = ['endpointId', 'status', 'eventType', 'eventId'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** One delivery with its attempt log, and the buttons that send it again. */
function DeliveryDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const [delivery, setDelivery] = useState<Delivery & { attemptLog: Attempt[] }>();
  const [note, setNote] = useState('');
  const shown = useRef<Delivery>(undefined);
  const load = useCallback(async () => {
    const latest = await api<Delivery & { attemptLog: Attempt[] }>(`/dispatcher/v1/deliveries/${id}`);
    const before = shown.current;
    shown.current = latest;
    setDelivery(latest);
    // The list shows the same delivery: read it again when this one moves on.
    if (before && (before.status !== latest.status || before.attempts !== latest.attempts)) onChanged();
  }, [id, onChanged]);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 1000);
    return () => clearInterval(timer);
  }, [load]);
  const act = async (work: () => Promise<string>) => {
    try {
      setNote(await work());
      onChanged();
    } catch (failure) {
      setNote(failure instanceof ApiFailure ? failure.message : String(failure));
    }
  };
  if (!delivery) return null;
  return (
    <div className="card" data-testid="delivery-detail">
      <h3>
        {delivery.id} <span className={`status-${delivery.status}`}>{delivery.status}</span>
      </h3>
      <p>
        {delivery.eventType} · event <code>{delivery.eventId}</code> · endpoint <code>{delivery.endpointId}</code>
      </p>
      <button onClick={() => void act(async () => (await api(`/dispatcher/v1/deliveries/${id}/retry`, { method: 'POST' }), 'Queued to be sent again now.'))}>Retry</button>
      <button
        onClick={() =>
          void act(async () => {
            const since = new Date(Date.now() - 24 * 3_600_000).toISOString();
            const { recovered } = await api(`/dispatcher/v1/endpoints/${delivery.endpointId}/recover`, { method: 'POST', body: { since } });
            return `Recovered ${recovered} failed or held deliveries of this endpoint from the last 24 h.`;
          })
        }
      >
        Recover the endpoint's last 24 h
      </button>
      {note && <p data-testid="delivery-note">{note}</p>}
      <table>
        <thead>
          <tr>
            <th>attempted</th>
            <th>status</th>
            <th>duration</th>
            <th>error</th>
            <th>response</th>
          </tr>
        </thead>
        <tbody>
          {delivery.attemptLog.map((a, i) => (
            <tr key={i} data-attempt={i + 1}>
              <td>{time(a.attemptedAt)}</td>
              <td>{a.statusCode ?? '-'}</td>
              <td>{a.durationMs} ms</td>
              <td>{a.error ?? ''}</td>
              <td>
                <code>{a.responseBody ?? ''}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Deliveries of every endpoint, filtered by endpoint, status, event type (or one event). */
export function DeliveriesPage({ params }: { params: URLSearchParams }) {
  const [filters, setFilters] = useState<Filters>(Object.fromEntries(FILTERS.flatMap((f) => (params.get(f) ? [[f, params.get(f)!]] : []))));
  const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
  const [deliveries, setDeliveries] = useState<Delivery[]>([]);
  const [selected, setSelected] = useState<string | undefined>(params.get('id') ?? undefined);
  const load = useCallback(async () => {
    const query = new URLSearchParams({ limit: '100', ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) });
    setDeliveries((await api<{ data: Delivery[] }>(`/dispatcher/v1/deliveries?${query}`)).data);
  }, [filters]);
  const reload = useCallback(() => void load(), [load]);
  useEffect(() => {
    void api<{ data: Endpoint[] }>('/dispatcher/v1/endpoints').then((r) => setEndpoints(r.data));
  }, []);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 2000);
    return () => clearInterval(timer);
  }, [load]);
  const choose = (name: keyof Filters) => (event: { target: { value: string } }) => setFilters({ ...filters, [name]: event.target.value || undefined });
  return (
    <>
      <h2>Deliveries</h2>
      <div className="card">
        <select aria-label="Endpoint" value={filters.endpointId ?? ''} onChange={choose('endpointId')}>
          <option value="">every endpoint</option>
          {endpoints.map((e) => (
            <option key={e.id} value={e.id}>
              {e.url}
            </option>
          ))}
        </select>
        <select aria-label="Status" value={filters.status ?? ''} onChange={choose('status')}>
          <option value="">every status</option>
          {DELIVERY_STATUSES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
        <select aria-label="Event type" value={filters.eventType ?? ''} onChange={choose('eventType')}>
          <option value="">every event type</option>
          {EVENT_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        {filters.eventId && (
          <button onClick={() => setFilters({ ...filters, eventId: undefined })}>
            event {filters.eventId} ✕
          </button>
        )}
      </div>
      {selected && <DeliveryDetail id={selected} onChanged={reload} />}
      <table className="card">
        <thead>
          <tr>
            <th>created</th>
            <th>delivery</th>
            <th>event type</th>
            <th>status</th>
            <th>attempts</th>
            <th>last answer</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id} data-delivery={d.id} className={d.id === selected ? 'selected' : ''} onClick={() => setSelected(d.id)}>
              <td>{time(d.createdAt)}</td>
              <td>
                <a href={`#/deliveries?id=${d.id}`} onClick={() => setSelected(d.id)}>
                  {d.id}
                </a>
              </td>
              <td>{d.eventType}</td>
              <td className={`status-${d.status}`}>{d.status}</td>
              <td>{d.attempts}</td>
              <td>{d.lastStatusCode ?? d.lastError ?? '-'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
