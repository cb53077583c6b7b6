import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { api, ApiFailure, EVENT_TYPES, type Endpoint } from '../api';

/** Endpoints: list, create (the secret shown once), rotate, disable/enable, delete. */
export function EndpointsPage() {
  const [endpoints, setEndpoints] = useState<Endpoint[]>([]);
  const [url, setUrl] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [secret, setSecret] = useState<{ endpointId: string; secret: string }>();
  const [error, setError] = useState('');
  const reload = useCallback(async () => setEndpoints((await api<{ data: Endpoint[] }>('/dispatcher/v1/endpoints')).data), []);
  useEffect(() => {
    void reload();
  }, [reload]);
  const run = async (work: () => Promise<void>) => {
    setError('');
    try {
      await work();
      await reload();
    } catch (failure) {
      setError(failure instanceof ApiFailure ? failure.message : String(failure));
    }
  };
  const create = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const created = await api<Endpoint & { secret: string }>('/dispatcher/v1/endpoints', { method: 'POST', body: { url, ...(types.length > 0 && { eventTypes: types }) } });
      setSecret({ endpointId: created.id, secret: created.secret });
      setUrl('');
    });
  };
  return (
    <>
      <h2>Endpoints</h2>
      <form className="card" onSubmit={create}>
        <input aria-label="Endpoint URL" placeholder="https://example.com/webhooks" value={url} onChange={(e) => setUrl(e.target.value)} size={48} />
        <select aria-label="Event types" multiple value={types} onChange={(e) => setTypes([...e.target.selectedOptions].map((o) => o.value))}>
          {EVENT_TYPES.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
        <button type="submit">Create endpoint</button>
        {error && <p className="error">{error}</p>}
      </form>
      {secret && (
        <div className="card" data-testid="secret-once">
          Signing secret of <code>{secret.endpointId}</code>, shown this once: <div className="secret">{secret.secret}</div>
          <button onClick={() => setSecret(undefined)}>I have stored it</button>
        </div>
      )}
      <table className="card">
        <thead>
          <tr>
            <th>id</th>
            <th>url</th>
            <th>event types</th>
            <th>status</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {endpoints.map((e) => (
            <tr key={e.id} data-endpoint={e.id}>
              <td>
                <a href={`#/deliveries?endpointId=${e.id}`}>{e.id}</a>
              </td>
              <td>{e.url}</td>
              <td>{e.eventTypes.length === EVENT_TYPES.length ? 'all' : e.eventTypes.join(', ')}</td>
              <td className={`status-${e.status}`} title={e.disabledReason ?? ''}>
                {e.status}
              </td>
              <td>
                <button onClick={() => void run(async () => setSecret({ endpointId: e.id, secret: (await api(`/dispatcher/v1/endpoints/${e.id}/secret/rotate`, { method: 'POST' })).secret }))}>Rotate secret</button>
                <button onClick={() => void run(async () => void (await api(`/dispatcher/v1/endpoints/${e.id}`, { method: 'PATCH', body: { status: e.status === 'enabled' ? 'disabled' : 'enabled' } })))}>
                  {e.status === 'enabled' ? 'Disable' : 'Enable'}
                </button>
                <button onClick={() => window.confirm(`Delete ${e.url} and its deliveries?`) && void run(async () => void (await api(`/dispatcher/v1/endpoints/${e.id}`, { method: 'DELETE' })))}>Delete</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
