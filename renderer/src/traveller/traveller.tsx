import { Fragment } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { LANGUAGES, type CommandName, type KioskApi, type Language, type TravellerView } from '../../../main/contract/index.js';
import { STRINGS, t, LANG_TAGS, type StringKey } from '../i18n/strings.js';
import type { Prefs } from '../prefs.js';
import { speak } from './speech.js';

type TravellerCommand = Extract<CommandName, `traveller.${string}`>;

interface Props {
  api: KioskApi;
  view: TravellerView;
  setView: (v: TravellerView) => void;
  prefs: Prefs;
  setPrefs: (p: Prefs) => void;
}

/** The screen's main words, spoken on arrival and on "Repeat". */
function spokenText(v: TravellerView): string {
  const L = v.language;
  switch (v.phase) {
    case 'welcome':
      return t(L, 'welcomeChoose');
    case 'notice':
      return [t(L, 'noticeRead'), t(L, 'noticeWhy'), t(L, 'noticeHuman')].join(' ');
    case 'place-document':
      return t(L, 'placeBody');
    case 'reading-mrz':
      return t(L, 'readingMrz');
    case 'reading-chip':
      return t(L, 'readingChip');
    case 'checking':
      return t(L, 'checking');
    case 'clear':
      return `${t(L, 'clearTitle')}. ${t(L, 'clearBody')}`;
    case 'refer':
      return [t(L, 'referTitle'), t(L, 'referBody'), ...v.reasons.map((r) => r.text), t(L, 'reviewHow')].join(' ');
    case 'officer-called':
      return t(L, 'officerCalled');
    case 'device-problem':
      return v.message ?? t(L, 'deviceProblemTitle');
    default:
      return '';
  }
}

export function TravellerApp({ api, view, setView, prefs, setPrefs }: Props) {
  const L = view.language;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const send = (name: TravellerCommand, payload: Record<string, unknown> = {}): void => {
    setBusy(true);
    setError(null);
    (api.invoke(name, payload as never) as Promise<TravellerView>)
      .then((v) => setView(v))
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  };

  // The timeout dialog takes the focus each time it opens (autofocus acts only once per page).
  const dialogRef = useRef<HTMLDivElement>(null);
  const dialogOpen = view.timeout !== null;
  useEffect(() => {
    if (dialogOpen) dialogRef.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [dialogOpen]);

  const spoken = useMemo(() => spokenText(view), [view.phase, view.language, view.reasons, view.message]);
  useEffect(() => {
    if (spoken) speak(spoken, L);
  }, [spoken]);

  return (
    <div class="kiosk traveller">
      <header class="topbar">
        <div class="toggles" role="group" aria-label="Display">
          <button class="toggle" aria-pressed={prefs.highContrast} onClick={() => setPrefs({ ...prefs, highContrast: !prefs.highContrast })}>
            {t(L, 'highContrast')}
          </button>
          <button class="toggle" aria-pressed={prefs.largeText} onClick={() => setPrefs({ ...prefs, largeText: !prefs.largeText })}>
            {t(L, 'largeText')}
          </button>
          <button class="toggle" onClick={() => speak(spoken, L)} aria-label={t(L, 'repeat')}>
            <span aria-hidden="true">🔊 </span>
            {t(L, 'repeat')}
          </button>
        </div>
        <button class="ask-officer" data-testid="ask-officer" onClick={() => send('traveller.askOfficer')} disabled={busy}>
          {t(L, 'askOfficer')}
        </button>
      </header>

      <main class="screen" aria-live="polite" data-phase={view.phase}>
        <Screen view={view} send={send} busy={busy} />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </main>

      {view.timeout && (
        <div class="overlay">
          <div class="dialog" role="alertdialog" aria-modal="true" aria-labelledby="timeout-title" aria-describedby="timeout-left" ref={dialogRef}>
            <h2 id="timeout-title">{t(L, 'timeoutTitle')}</h2>
            <p id="timeout-left">{t(L, 'secondsLeft', { n: view.timeout.secondsLeft })}</p>
            <div class="actions">
              {view.timeout.canExtend && (
                <button class="primary" data-testid="more-time" onClick={() => send('traveller.extendTime')}>
                  {t(L, 'moreTime')}
                </button>
              )}
              <button onClick={() => send('traveller.cancel')}>{t(L, 'cancel')}</button>
            </div>
          </div>
        </div>
      )}

      <footer class="footer">
        <a class="staff-link" href="#staff">
          {t(L, 'staff')}
        </a>
      </footer>
    </div>
  );
}

function Screen({ view, send, busy }: { view: TravellerView; send: (n: TravellerCommand, p?: Record<string, unknown>) => void; busy: boolean }) {
  const L = view.language;
  const T = (k: StringKey, vars?: Record<string, string | number>) => t(L, k, vars);
  switch (view.phase) {
    case 'welcome':
    case 'closed':
      return (
        <section aria-labelledby="h">
          {/* Each greeting marked with its language (WCAG 3.1.2): read by the right voice, shaped right. */}
          <h1 id="h">
            {LANGUAGES.map((l, i) => (
              <Fragment key={l}>
                {i > 0 && ' · '}
                <span lang={LANG_TAGS[l]} dir={l === 'ar' ? 'rtl' : 'ltr'}>
                  {STRINGS[l].welcomeTitle}
                </span>
              </Fragment>
            ))}
          </h1>
          <p class="lead">{T('welcomeChoose')}</p>
          <div class="languages" role="group" aria-label={T('welcomeChoose')}>
            {LANGUAGES.map((l: Language) => (
              <button
                key={l}
                lang={LANG_TAGS[l]}
                dir={l === 'ar' ? 'rtl' : 'ltr'}
                class={l === L ? 'lang selected' : 'lang'}
                aria-pressed={l === L}
                data-testid={`lang-${l}`}
                onClick={() => send('traveller.setLanguage', { language: l })}
              >
                {STRINGS[l].languageName}
              </button>
            ))}
          </div>
          <button class="primary big" data-testid="start" onClick={() => send('traveller.start')} disabled={busy}>
            {T('start')}
          </button>
        </section>
      );
    case 'notice':
      return (
        <section aria-labelledby="h">
          <h1 id="h">{T('noticeTitle')}</h1>
          <p>{T('noticeRead')}</p>
          <p>{T('noticeWhy')}</p>
          <p>{T('noticeHuman')}</p>
          <div class="actions">
            <button class="primary big" data-testid="accept-notice" onClick={() => send('traveller.acceptNotice')} disabled={busy}>
              {T('noticeAccept')}
            </button>
            <button onClick={() => send('traveller.cancel')}>{T('cancel')}</button>
          </div>
        </section>
      );
    case 'place-document':
      return (
        <section aria-labelledby="h">
          <h1 id="h">{T('placeTitle')}</h1>
          <PassportAnimation />
          <p class="lead">{T('placeBody')}</p>
          <button onClick={() => send('traveller.cancel')}>{T('cancel')}</button>
        </section>
      );
    case 'reading-mrz':
    case 'reading-chip':
    case 'checking': {
      const key: StringKey = view.phase === 'reading-mrz' ? 'readingMrz' : view.phase === 'reading-chip' ? 'readingChip' : 'checking';
      const p = view.progress;
      const percent = p && p.totalBytes > 0 ? Math.min(100, Math.round((100 * p.bytesRead) / p.totalBytes)) : null;
      return (
        <section aria-labelledby="h">
          <h1 id="h">{T(key)}</h1>
          {percent !== null ? (
            <>
              <progress class="progress" max={100} value={percent} aria-label={T(key)} data-testid="chip-progress" />
              <p class="lead">{T('percentRead', { percent })}</p>
            </>
          ) : (
            <div class="spinner" role="progressbar" aria-label={T(key)} />
          )}
        </section>
      );
    }
    case 'clear':
      return (
        <section aria-labelledby="h" class="result clear" data-testid="result-clear">
          <div class="result-icon" aria-hidden="true">✓</div>
          <h1 id="h">{T('clearTitle')}</h1>
          <p class="lead">{T('clearBody')}</p>
          <button class="primary big" onClick={() => send('traveller.cancel')}>
            {T('done')}
          </button>
        </section>
      );
    case 'refer':
      return (
        <section aria-labelledby="h" class="result refer" data-testid="result-refer">
          <div class="result-icon" aria-hidden="true">i</div>
          <h1 id="h">{T('referTitle')}</h1>
          <p class="lead">{T('referBody')}</p>
          {view.reasons.length > 0 && (
            <div class="reasons">
              <h2>{T('referWhy')}</h2>
              <ul>
                {view.reasons.map((r) => (
                  <li key={r.code} data-reason={r.code}>
                    {r.text}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <p>{T('reviewHow')}</p>
          <button class="primary big" data-testid="request-review" onClick={() => send('traveller.requestReview')} disabled={busy}>
            {T('requestReview')}
          </button>
        </section>
      );
    case 'officer-called':
      return (
        <section aria-labelledby="h" class="result refer" data-testid="officer-called">
          <h1 id="h">{T('officerCalled')}</h1>
          {view.officerRequested && <p class="lead">{T('reviewRequested')}</p>}
        </section>
      );
    case 'device-problem':
      return (
        <section aria-labelledby="h" class="result refer" data-testid="device-problem">
          <h1 id="h">{T('deviceProblemTitle')}</h1>
          {view.message && <p class="lead">{view.message}</p>}
          <p>{T('officerCalled')}</p>
        </section>
      );
  }
}

function PassportAnimation() {
  return (
    <svg class="passport-anim" viewBox="0 0 200 140" role="img" aria-hidden="true" focusable="false">
      <rect class="scanner" x="20" y="95" width="160" height="30" rx="6" />
      <rect class="glass" x="35" y="92" width="130" height="6" rx="2" />
      <g class="passport">
        <rect x="55" y="10" width="90" height="62" rx="6" />
        <circle cx="80" cy="36" r="11" />
        <rect x="98" y="28" width="36" height="5" rx="2" />
        <rect x="98" y="40" width="28" height="5" rx="2" />
        <rect x="62" y="58" width="76" height="6" rx="2" />
      </g>
    </svg>
  );
}
