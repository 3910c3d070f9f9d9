import { useState } from 'preact/hooks';
import type { KioskApi } from '../../../main/contract/index.js';
import type { Session } from './session.js';
import { OfficerConsole } from './officer.js';
import { TechnicianScreens } from './technician.js';


/** Staff area: sign-in, then the officer console (officer, supervisor) or the technician screens. */
export function StaffApp({ api, onExit }: { api: KioskApi; onExit: () => void }) {
  const [session, setSession] = useState<Session | null>(null);
  const signOut = (): void => {
    if (session) api.invoke('officer.signOut', { token: session.token }).catch(() => {});
    setSession(null);
  };
  return (
    <div class="kiosk staff">
      <header class="topbar">
        <strong>Border kiosk — staff</strong>
        <div class="toggles">
          {session && (
            <span class="who" data-testid="signed-in-as">
              {session.username} ({session.role})
            </span>
          )}
          {session && <button onClick={signOut}>Sign out</button>}
          <button onClick={onExit}>Traveller screen</button>
        </div>
      </header>
      <main class="screen staff-screen">
        {!session && <SignIn api={api} onSignedIn={setSession} />}
        {session && session.role !== 'technician' && <OfficerConsole api={api} session={session} onExpired={() => setSession(null)} />}
        {session && session.role === 'technician' && <TechnicianScreens api={api} session={session} onExpired={() => setSession(null)} />}
      </main>
    </div>
  );
}

function SignIn({ api, onSignedIn }: { api: KioskApi; onSignedIn: (s: Session) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = (e: Event): void => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    api
      .invoke('officer.signIn', { username, password })
      .then(onSignedIn)
      .catch((err: Error) => setError(err.message))
      .finally(() => setBusy(false));
  };
  return (
    <form class="card signin" onSubmit={submit} aria-labelledby="signin-h">
      <h1 id="signin-h">Staff sign-in</h1>
      <label>
        User name
        <input name="username" autoComplete="username" value={username} onInput={(e) => setUsername((e.target as HTMLInputElement).value)} required />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword((e.target as HTMLInputElement).value)} required />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button class="primary" type="submit" disabled={busy} data-testid="sign-in">
        Sign in
      </button>
    </form>
  );
}
