import { useEffect, useState } from 'preact/hooks';
import type { CommandResponse, KioskApi } from '../../../main/contract/index.js';
import type { Session } from './session.js';

type Tab = 'devices' | 'models' | 'trust' | 'storage' | 'logs';

/** Technician screens: device status and self-test, models, trust store, storage and retention, logs. */
export function TechnicianScreens({ api, session, onExpired }: { api: KioskApi; session: Session; onExpired: () => void }) {
  const [tab, setTab] = useState<Tab>('devices');
  const token = session.token;
  const [error, setError] = useState<string | null>(null);
  const fail = (e: Error & { code?: string }): void => {
    if (e.code === 'AUTH_EXPIRED' || e.code === 'AUTH_REQUIRED') onExpired();
    setError(e.message);
  };
  const tabs: [Tab, string][] = [
    ['devices', 'Devices'],
    ['models', 'Models'],
    ['trust', 'Trust store'],
    ['storage', 'Storage'],
    ['logs', 'Logs'],
  ];
  return (
    <div class="technician">
      <nav class="tabs" aria-label="Technician">
        {tabs.map(([id, label]) => (
          <button key={id} aria-current={tab === id ? 'page' : undefined} class={tab === id ? 'tab selected' : 'tab'} onClick={() => setTab(id)} data-testid={`tab-${id}`}>
            {label}
          </button>
        ))}
      </nav>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {tab === 'devices' && <Devices api={api} token={token} fail={fail} />}
      {tab === 'models' && <Models api={api} token={token} fail={fail} />}
      {tab === 'trust' && <Trust api={api} token={token} fail={fail} />}
      {tab === 'storage' && <Storage api={api} token={token} fail={fail} />}
      {tab === 'logs' && <Logs api={api} token={token} fail={fail} />}
    </div>
  );
}

interface P {
  api: KioskApi;
  token: string;
  fail: (e: Error) => void;
}

function Devices({ api, token, fail }: P) {
  const [devices, setDevices] = useState<CommandResponse<'tech.status'>['devices']>([]);
  const [testing, setTesting] = useState(false);
  useEffect(() => {
    api.invoke('tech.status', { token }).then((r) => setDevices(r.devices), fail);
    return api.on('devices.status', (p) => setDevices(p.devices));
  }, [token]);
  const selfTest = (): void => {
    setTesting(true);
    api
      .invoke('tech.selfTest', { token })
      .then((r) => setDevices(r.devices), fail)
      .finally(() => setTesting(false));
  };
  return (
    <section class="card" aria-labelledby="dev-h">
      <h1 id="dev-h">Devices</h1>
      <table class="evidence" data-testid="device-table">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Status</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {devices.map((d) => (
            <tr key={d.name} class={`status-${d.status}`}>
              <th scope="row">
                {d.name}
                {d.simulated ? ' (simulated)' : ''}
              </th>
              <td>{d.status}</td>
              <td>{d.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button class="primary" onClick={selfTest} disabled={testing} data-testid="self-test">
        {testing ? 'Testing…' : 'Run self-test'}
      </button>
    </section>
  );
}

function Models({ api, token, fail }: P) {
  const [models, setModels] = useState<CommandResponse<'tech.models'>['models']>([]);
  useEffect(() => {
    api.invoke('tech.models', { token }).then((r) => setModels(r.models), fail);
  }, [token]);
  return (
    <section class="card" aria-labelledby="models-h">
      <h1 id="models-h">Models</h1>
      <table class="evidence">
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Version</th>
            <th scope="col">Status</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => (
            <tr key={m.id}>
              <th scope="row">{m.id}</th>
              <td>{m.version}</td>
              <td>{m.status}</td>
              <td>{m.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Trust({ api, token, fail }: P) {
  const [list, setList] = useState<CommandResponse<'tech.trustList'> | null>(null);
  const [messages, setMessages] = useState<string[]>([]);
  const load = (): void => {
    api.invoke('tech.trustList', { token }).then(setList, fail);
  };
  useEffect(load, [token]);
  const onFile = async (e: Event): Promise<void> => {
    const files = (e.target as HTMLInputElement).files;
    if (!files) return;
    for (const f of Array.from(files)) {
      const buf = new Uint8Array(await f.arrayBuffer());
      let bin = '';
      for (const b of buf) bin += String.fromCharCode(b);
      api.invoke('tech.trustImport', { token, fileName: f.name, base64: btoa(bin) }).then((r) => {
        setMessages((m) => [...m, `${f.name}: ${r.imported} imported. ${r.messages.join(' ')}`]);
        load();
      }, fail);
    }
  };
  return (
    <section class="card" aria-labelledby="trust-h">
      <h1 id="trust-h">Trust store</h1>
      {list?.alerts.map((a) => (
        <p class="error" role="alert" key={a}>
          {a}
        </p>
      ))}
      <label class="file">
        Import certificates, master lists or CRLs
        <input type="file" multiple accept=".pem,.der,.cer,.crt,.ml,.crl" onChange={(e) => void onFile(e)} />
      </label>
      <ul>
        {messages.map((m, i) => (
          <li key={i}>{m}</li>
        ))}
      </ul>
      <table class="evidence">
        <thead>
          <tr>
            <th scope="col">Kind</th>
            <th scope="col">Subject</th>
            <th scope="col">Country</th>
            <th scope="col">Valid until</th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          {list?.entries.map((e, i) => (
            <tr key={i}>
              <td>{e.kind}</td>
              <td>{e.subject}</td>
              <td>{e.country ?? ''}</td>
              <td>{e.notAfter ?? ''}</td>
              <td>{e.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Storage({ api, token, fail }: P) {
  const [s, setS] = useState<CommandResponse<'tech.storage'> | null>(null);
  const [purged, setPurged] = useState<string | null>(null);
  const load = (): void => {
    api.invoke('tech.storage', { token }).then(setS, fail);
  };
  useEffect(load, [token]);
  const run = (): void => {
    api.invoke('tech.runRetention', { token }).then((r) => {
      setPurged(Object.entries(r.purged).map(([k, v]) => `${k}: ${v}`).join(', ') || 'nothing to purge');
      load();
    }, fail);
  };
  if (!s) return <section class="card">Loading…</section>;
  return (
    <section class="card" aria-labelledby="storage-h">
      <h1 id="storage-h">Storage and retention</h1>
      <dl class="kv">
        <div>
          <dt>Database</dt>
          <dd>{(s.databaseBytes / 1024).toFixed(0)} KiB</dd>
        </div>
        <div>
          <dt>Free disk</dt>
          <dd>{s.freeBytes === null ? 'unknown' : `${(s.freeBytes / 1024 / 1024).toFixed(0)} MiB`}</dd>
        </div>
        <div>
          <dt>Audit chain</dt>
          <dd data-testid="audit-chain">{s.auditChain.ok ? `intact (${s.auditChain.entries} entries)` : `BROKEN at entry ${s.auditChain.firstBroken}`}</dd>
        </div>
        {Object.entries(s.retention).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{String(v)}</dd>
          </div>
        ))}
        {Object.entries(s.counts).map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <button class="primary" onClick={run}>
        Run retention now
      </button>
      {purged && <p role="status">Purged: {purged}</p>}
    </section>
  );
}

function Logs({ api, token, fail }: P) {
  const [lines, setLines] = useState<string[]>([]);
  useEffect(() => {
    api.invoke('tech.logs', { token, limit: 200 }).then((r) => setLines(r.lines), fail);
  }, [token]);
  return (
    <section class="card" aria-labelledby="logs-h">
      <h1 id="logs-h">Logs</h1>
      <pre class="logs" tabIndex={0}>
        {lines.join('\n')}
      </pre>
    </section>
  );
}
