import type { Language } from '../../../main/contract/index.js';
import { LANG_TAGS } from '../i18n/strings.js';

/** Spoken guidance where the platform has speech synthesis; silently nothing otherwise. */
export function speak(text: string, lang: Language): void {
  const synth = typeof window !== 'undefined' ? window.speechSynthesis : undefined;
  if (!synth || typeof SpeechSynthesisUtterance === 'undefined') return;
  try {
    synth.cancel();
    const u = new SpeechSynthesisUtterance(text);
    u.lang = LANG_TAGS[lang];
    u.rate = 0.9;
    synth.speak(u);
  } catch {
    /* speech is a help, never a failure */
  }
}
