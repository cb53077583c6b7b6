import { StrictMode, useEffect, useState, type FormEvent } from 'react';
import { createRoot } from 'react-dom/client';
import { api, ApiFailure } from './api';
import { DeliveriesPage } from './pages/deliveries';
import { EndpointsPage } from './pages/endpoints';
import { EventsPage } from './pages/events';
import { JourneyPage } from './pages/journey';
import { OverviewPage } from './pages/overview';
import './styles.css';

const PAGES = [
  { path: 'overview', title: 'Overview' },
  { path: 'journey', title: 'Storefront journey' },
  { path: 'endpoints', title: 'Endpoints' },
  { path: 'deliveries', title: 'Deliveries' },
  { path: 'events', title: 'Events' },
];

/** `#/deliveries?eventId=…` → { page: 'deliveries', params }. */
function readHash(): { page: string; params: URLSearchParams } {
  const [page, query] = window.location.hash.replace(/^#\/?/, '').split('?');
  return { page: page || 'overview', params: new URLSearchParams(query ?? '') };
}

function KeyForm({ onOpened }: { onOpened: () => void }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState('');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await api('/session', { method: 'POST', body: { key } });
      onOpened();
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : String(failure));
    }
  };
  return (
    <form className="card narrow" onSubmit={submit}>
      <h2>Dispatcher API key</h2>
      <p>Entered once, kept on the console server for this browser session (`DISPATCHER_API_KEY` in .env.example).</p>
      <input aria-label="Dispatcher API key" type="password" value={key} onChange={(e) => setKey(e.target.value)} autoFocus />
      <button type="submit">Open the console</button>
      {error && <p className="error">{error}</p>}
    </form>
  );
}

function App() {
  const [session, setSession] = useState<boolean | undefined>(undefined);
  const [route, setRoute] = useState(readHash());
  useEffect(() => {
    const onHash = () => setRoute(readHash());
    window.addEventListener('hashchange', onHash);
    void api<{ active: boolean }>('/session').then((s) => setSession(s.active));
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (session === undefined) return null;
  return (
    <>
      <header>
        <strong>Payhook</strong>
        <nav>
          {PAGES.map((p) => (
            <a key={p.path} href={`#/${p.path}`} className={route.page === p.path ? 'active' : ''}>
              {p.title}
            </a>
          ))}
        </nav>
        {session && (
          <button className="link" onClick={() => void api('/session', { method: 'DELETE' }).then(() => setSession(false))}>
            Forget the key
          </button>
        )}
      </header>
      <main>
        {!session ? (
          <KeyForm onOpened={() => setSession(true)} />
        ) : route.page === 'journey' ? (
          <JourneyPage />
        ) : route.page === 'endpoints' ? (
          <EndpointsPage />
        ) : route.page === 'deliveries' ? (
          <DeliveriesPage params={route.params} />
        ) : route.page === 'events' ? (
          <EventsPage />
        ) : (
          <OverviewPage />
        )}
      </main>
    </>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
