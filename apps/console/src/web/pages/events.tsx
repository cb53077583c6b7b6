import { useEffect, useState } from 'react';
import { api, time, type Delivery } from '../api';

interface EventEntry {
  id: string;
  type: string;
  receivedAt: string;
  event: { data: { object: { id: string; orderId: string; amount: number; currency: string; status: string } } };
}

/** The payment events the dispatcher holds, newest first; each opens its deliveries. */
export function EventsPage() {
  const [events, setEvents] = useState<EventEntry[]>([]);
  const [open, setOpen] = useState<string>();
  const [deliveries, setDeliveries] = useState<Delivery[]>([]);
  useEffect(() => {
    const load = async () => setEvents((await api<{ data: EventEntry[] }>('/dispatcher/v1/events?limit=100')).data);
    void load();
    const timer = setInterval(() => void load(), 2000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (open) void api<{ data: Delivery[] }>(`/dispatcher/v1/deliveries?eventId=${open}`).then((r) => setDeliveries(r.data));
  }, [open]);
  return (
    <>
      <h2>Events</h2>
      <table className="card">
        <thead>
          <tr>
            <th>received</th>
            <th>type</th>
            <th>payment</th>
            <th>order</th>
            <th>amount</th>
            <th>deliveries</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} data-event={e.id}>
              <td>{time(e.receivedAt)}</td>
              <td>{e.type}</td>
              <td>{e.event.data.object.id}</td>
              <td>{e.event.data.object.orderId}</td>
              <td>
                {e.event.data.object.amount} {e.event.data.object.currency}
              </td>
              <td>
                <button onClick={() => setOpen(open === e.id ? undefined : e.id)}>{open === e.id ? 'hide' : 'show'}</button>
                {open === e.id &&
                  deliveries.map((d) => (
                    <div key={d.id}>
                      <a href={`#/deliveries?id=${d.id}&eventId=${e.id}`}>{d.id}</a> <span className={`status-${d.status}`}>{d.status}</span> ({d.attempts} attempts)
                    </div>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
