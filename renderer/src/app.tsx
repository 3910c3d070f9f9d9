import { useEffect, useState } from 'preact/hooks';
import { RTL_LANGUAGES, type KioskApi, type TravellerView } from '../../main/contract/index.js';
import { LANG_TAGS } from './i18n/strings.js';
import { TravellerApp } from './traveller/traveller.js';
import { StaffApp } from './staff/staff.js';

import type { Prefs } from './prefs.js';

const INITIAL: TravellerView = {
  sessionId: null,
  phase: 'welcome',
  language: 'en',
  progress: null,
  reasons: [],
  timeout: null,
  message: null,
  officerRequested: false,
};

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = (): void => setHash(location.hash);
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}

export function App({ api }: { api: KioskApi }) {
  const [view, setView] = useState<TravellerView>(INITIAL);
  const [prefs, setPrefs] = useState<Prefs>({ highContrast: false, largeText: false });
  const hash = useHash();
  const staff = hash.startsWith('#staff');

  useEffect(() => {
    const off = api.on('traveller.view', setView);
    api.invoke('traveller.view', {}).then(setView, () => {});
    return off;
  }, [api]);

  // Language and direction on the whole document: the layout mirrors for right-to-left scripts.
  const lang = staff ? 'en' : view.language;
  useEffect(() => {
    document.documentElement.lang = LANG_TAGS[lang];
    document.documentElement.dir = RTL_LANGUAGES.includes(lang) ? 'rtl' : 'ltr';
  }, [lang]);

  useEffect(() => {
    const cl = document.documentElement.classList;
    cl.toggle('high-contrast', prefs.highContrast);
    cl.toggle('large-text', prefs.largeText);
  }, [prefs]);

  if (staff) return <StaffApp api={api} onExit={() => (location.hash = '')} />;
  return <TravellerApp api={api} view={view} setView={setView} prefs={prefs} setPrefs={setPrefs} />;
}
