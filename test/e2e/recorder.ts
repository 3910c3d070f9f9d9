/**
 * The page recorder shared by the end-to-end tests and the UI benchmark (no vitest here): what the
 * traveller screen went through, with performance.now() stamps taken in the page.
 */
export interface PhaseMark {
  phase: string;
  /** When the screen's data-phase changed (performance.now() in the page). */
  t: number;
  /** The first frame painted after it (two requestAnimationFrame later); null until then. */
  painted: number | null;
}

/**
 * Runs in the page before the app: records every `main.screen[data-phase]` change and the first
 * time each data-testid of interest appeared (with performance.now()), from a MutationObserver, so
 * that short-lived screens (the chip progress) are seen even when no poll lands on them. The result
 * screens are stamped on the first paint after they appear (requestAnimationFrame twice). Each
 * traveller.view event is stamped as it arrives on the WebSocket (views).
 */
export const RECORDER = `(() => {
  const seen = { phases: [], testIds: {}, views: [] };
  window.__kioskSeen = seen;
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) {
      super(...args);
      // Registered before the app's onmessage: stamps each traveller view as it arrives.
      this.addEventListener('message', (ev) => {
        const t = performance.now();
        try {
          const m = JSON.parse(String(ev.data));
          if (m && m.type === 'event' && m.name === 'traveller.view' && m.payload) seen.views.push({ phase: m.payload.phase, t });
        } catch (e) {}
      });
    }
  };
  const watch = ['chip-progress', 'result-clear', 'result-refer', 'officer-called', 'more-time', 'device-problem'];
  let last = null;
  const look = () => {
    const main = document.querySelector('main.screen[data-phase]');
    const phase = main ? main.getAttribute('data-phase') : null;
    if (phase && phase !== last) {
      last = phase;
      const mark = { phase, t: performance.now(), painted: null };
      seen.phases.push(mark);
      requestAnimationFrame(() => requestAnimationFrame(() => { mark.painted = performance.now(); }));
    }
    for (const id of watch) {
      if (seen.testIds[id] === undefined && document.querySelector('[data-testid="' + id + '"]')) seen.testIds[id] = performance.now();
    }
  };
  // Spoken guidance: each utterance handed to speechSynthesis (then spoken as usual).
  seen.spoken = [];
  if (window.speechSynthesis) {
    const synth = window.speechSynthesis;
    const speak = synth.speak.bind(synth);
    synth.speak = (u) => { seen.spoken.push({ text: u.text, lang: u.lang, t: performance.now() }); speak(u); };
  }
  new MutationObserver(look).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-phase', 'data-testid'] });
  document.addEventListener('DOMContentLoaded', look);
})();`;

export interface ViewMark {
  phase: string;
  /** When the traveller.view event arrived on the WebSocket. */
  t: number;
}

export interface Seen {
  phases: PhaseMark[];
  testIds: Record<string, number>;
  views: ViewMark[];
  /** Utterances handed to speechSynthesis.speak. */
  spoken: { text: string; lang: string; t: number }[];
}
