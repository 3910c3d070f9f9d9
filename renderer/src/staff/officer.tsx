import { useEffect, useState } from 'preact/hooks';
import type { CaseView, CommandResponse, KioskApi, OfficerDecision, QueueItem } from '../../../main/contract/index.js';
import type { Session } from './session.js';

type ReasonCodes = CommandResponse<'officer.reasonCodes'>['codes'];
const DECISIONS: OfficerDecision[] = ['ADMIT', 'SECONDARY', 'REFUSE', 'RESCAN'];

function useErrors(onExpired: () => void) {
  const [error, setError] = useState<string | null>(null);
  const fail = (e: Error & { code?: string }): void => {
    if (e.code === 'AUTH_EXPIRED' || e.code === 'AUTH_REQUIRED') onExpired();
    setError(e.message);
  };
  return { error, setError, fail };
}

/** Officer console: the referral queue, the case view with its evidence, override and four-eyes confirmation. */
export function OfficerConsole({ api, session, onExpired }: { api: KioskApi; session: Session; onExpired: () => void }) {
  const [items, setItems] = useState<QueueItem[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const { error, fail } = useErrors(onExpired);
  const token = session.token;

  const refresh = (): void => {
    api.invoke('officer.queue', { token }).then((r) => setItems(r.items), fail);
  };
  useEffect(() => {
    refresh();
    const off = api.on('officer.queueChanged', refresh);
    return off;
  }, [token]);

  return (
    <div class="officer">
      <section class="queue card" aria-labelledby="queue-h">
        <h1 id="queue-h">Referral queue</h1>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {items.length === 0 && <p>No open referrals.</p>}
        <ul class="queue-list">
          {items.map((it) => (
            <li key={it.caseId}>
              <button class={selected === it.caseId ? 'case-item selected' : 'case-item'} data-testid="queue-item" onClick={() => setSelected(it.caseId)}>
                <span class="case-id">{it.caseId.slice(0, 8)}</span> <span>{new Date(it.createdAt).toLocaleTimeString()}</span>{' '}
                <span class={`badge ${it.decision.toLowerCase()}`}>{it.decision}</span> {it.nationality && <span>{it.nationality}</span>}{' '}
                <span class="status">{it.status}</span>
                <span class="reasons-short">{it.reasons.map((r) => r.code).join(', ')}</span>
              </button>
            </li>
          ))}
        </ul>
      </section>
      {selected && <CaseDetail api={api} session={session} caseId={selected} onChanged={refresh} onExpired={onExpired} />}
    </div>
  );
}

function CaseDetail({ api, session, caseId, onChanged, onExpired }: { api: KioskApi; session: Session; caseId: string; onChanged: () => void; onExpired: () => void }) {
  const [c, setC] = useState<CaseView | null>(null);
  const [codes, setCodes] = useState<ReasonCodes>([]);
  const [decision, setDecision] = useState<OfficerDecision>('ADMIT');
  const [reasonCode, setReasonCode] = useState('');
  const [text, setText] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const { error, setError, fail } = useErrors(onExpired);
  const token = session.token;

  useEffect(() => {
    setC(null);
    api.invoke('officer.case', { token, caseId }).then(setC, fail);
    api.invoke('officer.reasonCodes', { token }).then((r) => setCodes(r.codes), fail);
  }, [caseId]);

  const usable = codes.filter((r) => r.decisions.includes(decision));
  const decide = (e: Event): void => {
    e.preventDefault();
    setError(null);
    api.invoke('officer.decide', { token, caseId, decision, reasonCode, text }).then((r) => {
      setC(r.case);
      setNotice(r.status === 'awaiting-confirmation' ? 'Recorded. A second officer must confirm this decision.' : 'Decision recorded.');
      onChanged();
    }, fail);
  };
  const confirm = (approve: boolean): void => {
    api.invoke('officer.confirm', { token, caseId, approve, text: approve ? 'confirmed' : 'rejected' }).then((r) => {
      setC(r.case);
      setNotice(r.status === 'recorded' ? 'Confirmed.' : 'Rejected: the case is open again.');
      onChanged();
    }, fail);
  };

  if (!c) return <section class="card">{error ? <p class="error">{error}</p> : <p>Loading…</p>}</section>;
  return (
    <section class="case card" aria-labelledby="case-h" data-testid="case-view">
      <h1 id="case-h">
        Case {c.caseId.slice(0, 8)} — <span class={`badge ${c.decision.toLowerCase()}`}>{c.decision}</span>
      </h1>
      <p>
        Policy {c.policyVersion} · {new Date(c.createdAt).toLocaleString()}
      </p>
      <h2>Reasons</h2>
      <ul>
        {c.reasons.map((r) => (
          <li key={r.code}>
            <code>{r.code}</code> {r.text}
          </li>
        ))}
      </ul>
      <div class="photos">
        <figure>
          {c.chipPhoto ? <img src={c.chipPhoto} alt="Photo from the chip" /> : <div class="nophoto">No chip photo</div>}
          <figcaption>Chip photo</figcaption>
        </figure>
        <figure>
          {c.printedPhoto ? <img src={c.printedPhoto} alt="Photo printed on the data page" /> : <div class="nophoto">No printed photo</div>}
          <figcaption>Printed photo</figcaption>
        </figure>
      </div>
      <h2>MRZ</h2>
      <KeyValues data={c.mrz} />
      <h2>Chip</h2>
      {c.chip ? (
        <table class="evidence">
          <thead>
            <tr>
              <th scope="col">Protocol</th>
              <th scope="col">Status</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {(['accessControl', 'passiveAuthentication', 'activeAuthentication', 'chipAuthentication'] as const).map((k) => (
              <tr key={k}>
                <th scope="row">{k}</th>
                <td>{c.chip?.[k]?.status ?? 'not-performed'}</td>
                <td>
                  <code class="detail">{c.chip?.[k]?.detail ? JSON.stringify(c.chip[k]!.detail) : ''}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>The chip was not read.</p>
      )}
      <h2>Checks</h2>
      <table class="evidence" data-testid="evidence">
        <thead>
          <tr>
            <th scope="col">Check</th>
            <th scope="col">Status</th>
            <th scope="col">Score</th>
            <th scope="col">Threshold</th>
            <th scope="col">Model</th>
            <th scope="col">Reason</th>
          </tr>
        </thead>
        <tbody>
          {c.evidence.map((e) => (
            <tr key={e.check} class={`status-${e.status}`}>
              <th scope="row">{e.check}</th>
              <td>{e.status}</td>
              <td>{e.score?.toFixed(3) ?? '—'}</td>
              <td>{e.threshold?.toFixed(3) ?? '—'}</td>
              <td>{e.modelVersion ?? '—'}</td>
              <td>
                <code>{e.reasonCode}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {c.officerDecisions.length > 0 && (
        <>
          <h2>Officer decisions</h2>
          <ul>
            {c.officerDecisions.map((d, i) => (
              <li key={i}>
                {d.decision} by {d.officer} ({d.reasonCode}: {d.text}){d.confirmedBy ? `, confirmed by ${d.confirmedBy}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}

      {c.pendingConfirmation ? (
        <div class="confirm card" data-testid="four-eyes">
          <p>
            {c.pendingConfirmation.decision} by {c.pendingConfirmation.by} awaits a second officer.
          </p>
          {c.pendingConfirmation.by !== session.username ? (
            <div class="actions">
              <button class="primary" data-testid="confirm" onClick={() => confirm(true)}>
                Confirm
              </button>
              <button onClick={() => confirm(false)}>Reject</button>
            </div>
          ) : (
            <p>Another officer must confirm it.</p>
          )}
        </div>
      ) : c.status === 'closed' ? (
        <p class="notice" data-testid="case-closed">
          This case is closed.
        </p>
      ) : (
        <form class="decide" onSubmit={decide} aria-labelledby="decide-h">
          <h2 id="decide-h">Decision</h2>
          <fieldset>
            <legend>Outcome</legend>
            {DECISIONS.map((d) => (
              <label key={d} class="radio">
                <input type="radio" name="decision" value={d} checked={decision === d} onChange={() => setDecision(d)} /> {d}
              </label>
            ))}
          </fieldset>
          <label>
            Reason code
            <select data-testid="reason-code" value={reasonCode} onChange={(e) => setReasonCode((e.target as HTMLSelectElement).value)} required>
              <option value="">Choose…</option>
              {usable.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.code} — {r.text}
                </option>
              ))}
            </select>
          </label>
          <label>
            Note (required)
            <textarea data-testid="decision-text" value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} required maxLength={2000} />
          </label>
          <button class="primary" type="submit" data-testid="decide">
            Record decision
          </button>
        </form>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <h2>Audit trail</h2>
      <ol class="audit" data-testid="audit-trail">
        {c.audit.map((a) => (
          <li key={a.seq}>
            #{a.seq} {new Date(a.at).toLocaleTimeString()} {a.kind} {a.actor ?? ''} — {a.summary}
          </li>
        ))}
      </ol>
    </section>
  );
}

function KeyValues({ data }: { data: Record<string, string> | null }) {
  if (!data) return <p>Not available.</p>;
  return (
    <dl class="kv">
      {Object.entries(data).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
