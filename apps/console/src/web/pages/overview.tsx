import { useEffect, useRef, useState } from 'react';

interface Snapshot {
  at: number;
  payments: { requests: number; outboxDepth: number; outboxOldestAgeSeconds: number; quarantined: number } | null;
  dispatcher: { requests: number; delivered: number; retrying: number; failed: number; pending: number; held: number; consumerLag: number; quarantined: number } | null;
  orders: { requests: number; applied: number; duplicates: number; reconciled: number; quarantined: number } | null;
}

/** Per second between two readings of a counter; '-' until there are two. */
function rate(now: number | undefined, before: number | undefined, seconds: number): string {
  if (now === undefined || before === undefined || seconds <= 0) return '-';
  return (Math.max(0, now - before) / seconds).toFixed(1);
}

/** A figure; before the first reading '…', and 'down' when its app's /metrics did not answer. */
function Figure({ label, value, read }: { label: string; value: string | number | undefined; read: boolean }) {
  return (
    <div className="card" data-figure={label}>
      <div>{label}</div>
      <div className="figure">{value ?? (read ? 'down' : '…')}</div>
    </div>
  );
}

/** Live rates and queue depths, from the apps' /metrics every 2 s. */
export function OverviewPage() {
  const [latest, setLatest] = useState<Snapshot>();
  const previous = useRef<Snapshot>(undefined);
  const [before, setBefore] = useState<Snapshot>();
  useEffect(() => {
    let stopped = false;
    const read = async () => {
      const response = await fetch('/api/overview');
      if (!response.ok || stopped) return;
      const snapshot = (await response.json()) as Snapshot;
      setBefore(previous.current);
      previous.current = snapshot;
      setLatest(snapshot);
    };
    void read();
    const timer = setInterval(() => void read(), 2000);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  const seconds = latest && before ? (latest.at - before.at) / 1000 : 0;
  const d = latest?.dispatcher;
  const p = latest?.payments;
  const o = latest?.orders;
  return (
    <>
      <h2>Overview</h2>
      <div className="grid">
        <Figure read={latest !== undefined} label="webhooks delivered / s" value={d ? rate(d.delivered, before?.dispatcher?.delivered, seconds) : undefined} />
        <Figure read={latest !== undefined} label="attempts retrying / s" value={d ? rate(d.retrying, before?.dispatcher?.retrying, seconds) : undefined} />
        <Figure read={latest !== undefined} label="webhooks applied / s (order-service)" value={o ? rate(o.applied, before?.orders?.applied, seconds) : undefined} />
        <Figure read={latest !== undefined} label="HTTP requests / s (all apps)" value={d && p && o ? rate(d.requests + p.requests + o.requests, before?.dispatcher && before.payments && before.orders ? before.dispatcher.requests + before.payments.requests + before.orders.requests : undefined, seconds) : undefined} />
        <Figure read={latest !== undefined} label="deliveries pending" value={d?.pending} />
        <Figure read={latest !== undefined} label="deliveries held" value={d?.held} />
        <Figure read={latest !== undefined} label="consumer lag (events)" value={d?.consumerLag} />
        <Figure read={latest !== undefined} label="outbox depth" value={p?.outboxDepth} />
        <Figure read={latest !== undefined} label="oldest outbox row (s)" value={p ? p.outboxOldestAgeSeconds.toFixed(1) : undefined} />
        <Figure read={latest !== undefined} label="deliveries failed (total)" value={d?.failed} />
        <Figure read={latest !== undefined} label="records quarantined" value={d && p && o ? d.quarantined + p.quarantined + o.quarantined : undefined} />
        <Figure read={latest !== undefined} label="orders reconciled (total)" value={o?.reconciled} />
      </div>
    </>
  );
}
