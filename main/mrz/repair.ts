/**
 * OCR repair of MRZ lines.
 *
 * OCR engines confuse O/0, D/0, I/1, B/8, S/5, Z/2, G/6 and read K or L for `<` in runs of fillers.
 * The repair works field by field, because fields are independent except through the composite:
 *
 * 1. Forced corrections: a character that its field's type cannot hold is mapped to the one
 *    character it may have been (a letter in a date or check digit → its digit; a digit in a name,
 *    country code or document code → its letter; K/L in a definite run of fillers → `<`).
 *    When a character maps to several (0 in a name: O or D) and nothing else decides, the field is
 *    ambiguous. Country codes are decided by the ICAO code list.
 * 2. Check-driven corrections: alphanumeric fields (document number, personal number, optional
 *    data) may legally hold letters and digits, so a confusion there shows only as a failing check
 *    digit. For a failing check the repair looks for the readings with the fewest swaps (one, then
 *    two) that make it pass. One reading → applied; several → MRZ_AMBIGUOUS with the candidates,
 *    and the field is left as it was read. The optional data of TD1 and TD2 (covered only by the
 *    composite) is searched last, against the composite.
 *
 * Minimal change: a reading that already fits is never changed (parseMrz skips the repair then).
 * Two confusions cannot be seen by a 7-3-1 check digit at all (G=16 vs 6, K=20 vs `<`=0: they
 * differ by a multiple of 10), so they are not tried in alphanumeric fields: a G read for 6 in a
 * document number cannot be repaired (nor noticed). K in a definite filler run is read as `<`
 * everywhere; L only where no check covers it (names, visa optional data), elsewhere the check
 * decides. Filler runs: see definiteFillerOffsets.
 *
 * Each check test during the search is one addition: a swap changes the weighted sum by
 * (new value - old value) × weight (mod 10).
 */
import { charValue, checkDigit } from './check-digit.js';
import { isMrzCountryField } from './countries.js';
import { longNumberExtension, spanText, type FormatLayout, type Span } from './layout.js';
import type { MrzCheckName, MrzFieldName } from './types.js';

/** A letter OCR reads for a digit, in a field that holds only digits. */
export const LETTER_TO_DIGIT: Readonly<Record<string, string>> = {
  O: '0', D: '0', I: '1', B: '8', S: '5', Z: '2', G: '6',
};

/** The letters a digit may have been, in a field that holds only letters. */
export const DIGIT_TO_LETTERS: Readonly<Record<string, readonly string[]>> = {
  '0': ['O', 'D'], '1': ['I'], '8': ['B'], '5': ['S'], '2': ['Z'], '6': ['G'],
};

/** Swaps tried in alphanumeric fields under a check digit (G/6 and K/`<` are invisible to it). */
const ALNUM_SWAPS: Readonly<Record<string, readonly string[]>> = {
  '0': ['O', 'D'], O: ['0'], D: ['0'], '1': ['I'], I: ['1'], '8': ['B'], B: ['8'], '5': ['S'], S: ['5'],
  '2': ['Z'], Z: ['2'],
};

/** The most swaps tried per field: beyond two, a mod-10 check digit admits too many readings. */
const MAX_SWAPS = 2;
/** The most candidates listed in an MRZ_AMBIGUOUS error. */
const MAX_CANDIDATES = 8;

export interface RepairChange {
  /** 0-based line and index in the normalised lines. */
  line: number;
  index: number;
  from: string;
  to: string;
}

export interface RepairAmbiguity {
  field: MrzFieldName | MrzCheckName;
  /** 0-based: the first position where the candidates differ. */
  line: number;
  index: number;
  candidates: string[];
}

export interface RepairOutcome {
  lines: string[];
  changes: RepairChange[];
  ambiguities: RepairAmbiguity[];
}

interface Pos {
  line: number;
  index: number;
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const fillerLike = (c: string | undefined): boolean => c === '<' || c === 'K' || c === 'L';

/**
 * The positions (offsets in `s`) of K and L that stand in a definite run of fillers: in the
 * field's trailing run of `<`/K/L, after at least three fillers, or after two that are not the
 * primary/secondary separator of a name (`SMITH<<K<<<` keeps the given name K;
 * `SMITH<<JOHN<<K<<` and `SMITH<<<K<<` do not). Other fields: after at least two fillers.
 */
export function definiteFillerOffsets(s: string, isName: boolean): number[] {
  let t = s.length;
  while (t > 0 && fillerLike(s[t - 1])) t--;
  const out: number[] = [];
  let run = 0;
  for (let i = t; i < s.length; i++) {
    if (s[i] === '<') {
      run++;
      continue;
    }
    let definite = run >= 3 || (run === 2 && !isName);
    if (!definite && run === 2 && isName) definite = s.indexOf('<<') < i - 2;
    if (definite) {
      out.push(i);
      run++;
    } else run = 0;
  }
  return out;
}

/** Check digit weights (Part 3, 4.9); a check digit is the weighted sum mod 10. */
const WEIGHTS = [7, 3, 1] as const;

/** A position that may take other characters, with its weight in the check it counts towards. */
interface Candidate {
  p: Pos;
  alts: readonly string[];
  weight: number;
}

interface Group {
  name: MrzCheckName;
  values: Pos[];
  check: Pos;
  alnum: boolean;
  /** TD3 personal number: an empty field may have `<` as its check digit. */
  emptyMayHaveFiller: boolean;
}

const positions = (line: number, start: number, length: number): Pos[] => {
  const out: Pos[] = new Array<Pos>(length);
  for (let k = 0; k < length; k++) out[k] = { line, index: start + k };
  return out;
};
const spanPositions = (sp: Span): Pos[] => positions(sp.line, sp.start, sp.length);
const key = (p: Pos): number => p.line * 64 + p.index;

class Repair {
  private readonly g: string[][];
  readonly ambiguities: RepairAmbiguity[] = [];

  constructor(
    private readonly input: readonly string[],
    private readonly layout: FormatLayout,
  ) {
    this.g = input.map((l) => l.split(''));
  }

  ch(p: Pos): string {
    return this.g[p.line]?.[p.index] ?? '';
  }

  put(p: Pos, c: string): void {
    const row = this.g[p.line];
    if (row && p.index < row.length) row[p.index] = c;
  }

  read(ps: readonly Pos[]): string {
    let s = '';
    for (const p of ps) s += this.ch(p);
    return s;
  }

  lines(): string[] {
    return this.g.map((r) => r.join(''));
  }

  private restore(ps: readonly Pos[]): void {
    for (const p of ps) this.put(p, this.input[p.line]?.[p.index] ?? '');
  }

  /**
   * K/L in a definite filler run → `<`. Under a check digit only K (K and `<` weigh the same, so the
   * check cannot decide); an L there changes the check, and is left to the check-driven search.
   */
  fillerize(ps: readonly Pos[], isName: boolean, checked = false): void {
    for (const k of definiteFillerOffsets(this.read(ps), isName)) {
      if (!checked || this.ch(ps[k]!) === 'K') this.put(ps[k]!, '<');
    }
  }

  forceDigit(p: Pos): void {
    const d = LETTER_TO_DIGIT[this.ch(p)];
    if (d !== undefined) this.put(p, d);
  }

  /** Records an ambiguity and puts the field back as it was read. */
  ambiguous(field: MrzFieldName | MrzCheckName, ps: readonly Pos[], readings: string[]): void {
    let first = 0;
    while (first < ps.length - 1 && readings.every((r) => r[first] === readings[0]![first])) first++;
    const p = ps[first] ?? ps[0]!;
    this.ambiguities.push({ field, line: p.line, index: p.index, candidates: readings.slice(0, MAX_CANDIDATES) });
    this.restore(ps);
  }

  /** Document code: first character a letter allowed for the format, second a letter or `<`. */
  documentCode(): void {
    const sp = this.layout.documentCode;
    const p0 = { line: sp.line, index: sp.start };
    const p1 = { line: sp.line, index: sp.start + 1 };
    const opts0 = (DIGIT_TO_LETTERS[this.ch(p0)] ?? []).filter((c) => this.layout.documentCodeLetters.includes(c));
    if (opts0.length === 1) this.put(p0, opts0[0]!);
    const opts1 = DIGIT_TO_LETTERS[this.ch(p1)] ?? [];
    if (opts1.length === 1) this.put(p1, opts1[0]!);
    else if (opts1.length > 1) this.ambiguous('documentCode', [p0, p1], opts1.map((c) => this.ch(p0) + c));
  }

  /** Issuing state, nationality: the readings that are ICAO codes, with the fewest changes. */
  country(sp: Span, field: MrzFieldName): void {
    const ps = spanPositions(sp);
    const orig = this.read(ps);
    if (isMrzCountryField(orig)) return;
    let readings = [''];
    for (const c of orig) {
      const o = isDigit(c) ? (DIGIT_TO_LETTERS[c] ?? [c]) : c === 'K' || c === 'L' ? [c, '<'] : [c];
      readings = readings.flatMap((r) => o.map((x) => r + x));
    }
    const fits = readings.filter(isMrzCountryField);
    if (fits.length === 0) return;
    const cost = (x: string): number => {
      let n = 0;
      for (let k = 0; k < x.length; k++) if (x[k] !== orig[k]) n++;
      return n;
    };
    const best = Math.min(...fits.map(cost));
    const chosen = fits.filter((x) => cost(x) === best);
    if (chosen.length === 1) ps.forEach((p, k) => this.put(p, chosen[0]![k]!));
    else this.ambiguous(field, ps, chosen);
  }

  /** Names: letters and fillers only. */
  name(): void {
    const ps = spanPositions(this.layout.name);
    this.fillerize(ps, true);
    const open: Array<{ k: number; opts: readonly string[] }> = [];
    ps.forEach((p, k) => {
      const opts = DIGIT_TO_LETTERS[this.ch(p)];
      if (!opts) return;
      if (opts.length === 1) this.put(p, opts[0]!);
      else open.push({ k, opts });
    });
    if (open.length === 0) return;
    const now = this.read(ps);
    let readings = [now];
    for (const { k, opts } of open) {
      readings = readings.flatMap((r) => opts.map((c) => r.slice(0, k) + c + r.slice(k + 1))).slice(0, MAX_CANDIDATES);
    }
    const sep = now.indexOf('<<');
    this.ambiguous(sep >= 0 && open[0]!.k >= sep + 2 ? 'givenNames' : 'surname', ps, readings);
  }

  /** Alphanumeric swaps for `ps` (weights from their offsets in the check input); L may be a trailing `<`. */
  swaps(ps: readonly Pos[], offsets: readonly number[]): Candidate[] {
    const s = this.read(ps);
    let tail = s.length;
    while (tail > 0 && fillerLike(s[tail - 1])) tail--;
    const out: Candidate[] = [];
    for (let k = 0; k < ps.length; k++) {
      const c = s[k]!;
      const alts = ALNUM_SWAPS[c];
      const filler = c === 'L' && k >= tail;
      if (!alts && !filler) continue;
      out.push({ p: ps[k]!, alts: filler ? [...(alts ?? []), '<'] : alts!, weight: WEIGHTS[offsets[k]! % 3]! });
    }
    return out;
  }

  /**
   * The sets of at most MAX_SWAPS swaps, fewest first, that bring the weighted sum `base` (mod 10)
   * to `target`. Each swap changes the sum by (new - old) × weight, so a test is one addition.
   */
  solve(base: number, target: number, cands: readonly Candidate[]): Array<Array<[Pos, string]>> {
    const deltas = cands.map((c) => {
      const old = charValue(this.ch(c.p));
      return c.alts.map((x) => (((charValue(x) - old) * c.weight) % 10 + 10) % 10);
    });
    const need = (((target - base) % 10) + 10) % 10;
    const found: Array<Array<[Pos, string]>> = [];
    cands.forEach((c, i) => c.alts.forEach((x, a) => {
      if (deltas[i]![a] === need) found.push([[c.p, x]]);
    }));
    if (found.length > 0 || MAX_SWAPS < 2) return found;
    for (let i = 0; i < cands.length; i++) {
      for (let a = 0; a < cands[i]!.alts.length; a++) {
        const di = deltas[i]![a]!;
        for (let j = i + 1; j < cands.length; j++) {
          for (let b = 0; b < cands[j]!.alts.length; b++) {
            if ((di + deltas[j]![b]!) % 10 === need) found.push([[cands[i]!.p, cands[i]!.alts[a]!], [cands[j]!.p, cands[j]!.alts[b]!]]);
          }
        }
      }
    }
    return found;
  }

  /** Applies the one solution, or reports the several as an ambiguity over `all`. */
  settle(field: MrzCheckName, all: readonly Pos[], solutions: Array<Array<[Pos, string]>>): boolean {
    if (solutions.length === 1) {
      for (const [p, x] of solutions[0]!) this.put(p, x);
      return false;
    }
    if (solutions.length === 0) return false;
    const base = this.read(all);
    const readings = solutions.map((sol) => {
      const r = base.split('');
      for (const [p, x] of sol) r[all.findIndex((q) => q.line === p.line && q.index === p.index)] = x;
      return r.join('');
    });
    this.ambiguous(field, all, readings);
    return true;
  }

  /** The check-digit groups; `extLength` is the length of a long number's continuation (with its check digit). */
  groups(): { groups: Group[]; extLength: number } {
    const L = this.layout;
    const out: Group[] = [];
    const docPs = spanPositions(L.documentNumber);
    const ext = longNumberExtension(L, this.lines());
    let extLength = 0;
    if (ext !== null && ext.length >= 2 && L.optionalData) {
      extLength = ext.length;
      const extPs = positions(L.optionalData.line, L.optionalData.start, ext.length);
      out.push({ name: 'documentNumber', values: [...docPs, ...extPs.slice(0, -1)], check: extPs[extPs.length - 1]!, alnum: true, emptyMayHaveFiller: false });
    } else {
      this.fillerize(docPs, false, true);
      out.push({ name: 'documentNumber', values: docPs, check: { line: L.documentNumberCheck.line, index: L.documentNumberCheck.start }, alnum: true, emptyMayHaveFiller: false });
    }
    for (const [sp, ck, name] of [[L.birthDate, L.birthDateCheck, 'birthDate'], [L.expiryDate, L.expiryDateCheck, 'expiryDate']] as const) {
      const values = spanPositions(sp);
      for (const p of values) this.forceDigit(p);
      out.push({ name, values, check: { line: ck.line, index: ck.start }, alnum: false, emptyMayHaveFiller: false });
    }
    if (L.personalNumber && L.personalNumberCheck) {
      const values = spanPositions(L.personalNumber);
      this.fillerize(values, false, true);
      out.push({ name: 'personalNumber', values, check: { line: L.personalNumberCheck.line, index: L.personalNumberCheck.start }, alnum: true, emptyMayHaveFiller: true });
    }
    return { groups: out, extLength };
  }

  /** Check-digit groups; returns whether any was left ambiguous. */
  checkGroups(groups: readonly Group[]): boolean {
    let anyAmbiguous = false;
    for (const gr of groups) {
      this.forceDigit(gr.check);
      const values = this.read(gr.values);
      const c = this.ch(gr.check);
      if (gr.emptyMayHaveFiller && c === '<' && /^[<KL]+$/.test(values)) {
        // A `<` check digit says the field is empty: K and L in it are fillers.
        for (const p of gr.values) this.put(p, '<');
        continue;
      }
      if (!isDigit(c)) continue;
      const base = checkDigit(values);
      if (base < 0 || base === Number(c)) continue;
      if (!gr.alnum) continue;
      const offsets = gr.values.map((_, k) => k);
      const solutions = this.solve(base, Number(c), this.swaps(gr.values, offsets));
      if (this.settle(gr.name, [...gr.values, gr.check], solutions)) anyAmbiguous = true;
    }
    return anyAmbiguous;
  }

  /**
   * The composite: the positions it covers that no other check covers (optional data of TD1 and
   * TD2) are repaired against it, once every other field has one reading.
   */
  composite(extLength: number, anyAmbiguous: boolean): void {
    const L = this.layout;
    if (!L.composite) {
      // Visas: the optional data is covered by no check; only definite fillers are repaired.
      if (L.optionalData) this.fillerize(spanPositions(L.optionalData), false);
      return;
    }
    const cp = { line: L.composite.check.line, index: L.composite.check.start };
    this.forceDigit(cp);
    // The optional data after a long number's continuation, and TD1's second optional data.
    const regions: Pos[][] = [];
    if (L.optionalData) regions.push(positions(L.optionalData.line, L.optionalData.start + extLength, L.optionalData.length - extLength));
    if (L.optionalData2) regions.push(spanPositions(L.optionalData2));
    for (const r of regions) this.fillerize(r, false, true);
    if (anyAmbiguous) return;
    const over = L.composite.over.flatMap(spanPositions);
    const c = this.ch(cp);
    const base = checkDigit(this.read(over));
    if (!isDigit(c) || base < 0 || base === Number(c)) return;
    const offsetOf = new Map<number, number>();
    over.forEach((p, k) => offsetOf.set(key(p), k));
    const cands = regions.flatMap((r) => this.swaps(r, r.map((p) => offsetOf.get(key(p)) ?? 0)));
    this.settle('composite', regions.flat(), this.solve(base, Number(c), cands));
  }
}

export function repairLines(input: readonly string[], layout: FormatLayout): RepairOutcome {
  const r = new Repair(input, layout);
  r.documentCode();
  r.country(layout.issuingState, 'issuingState');
  r.country(layout.nationality, 'nationality');
  r.name();
  const { groups, extLength } = r.groups();
  const anyAmbiguous = r.checkGroups(groups) || r.ambiguities.length > 0;
  r.composite(extLength, anyAmbiguous);
  const lines = r.lines();
  const changes: RepairChange[] = [];
  for (let li = 0; li < lines.length; li++) {
    const l = lines[li]!;
    const orig = input[li] ?? '';
    if (l === orig) continue;
    for (let k = 0; k < l.length; k++) {
      if (l[k] !== orig[k]) changes.push({ line: li, index: k, from: orig[k] ?? '', to: l[k]! });
    }
  }
  return { lines, changes, ambiguities: r.ambiguities };
}

/**
 * Whether repairLines could change lines that already pass every check: only K or L in a definite
 * run of fillers. (Everything else it changes shows as an error or a failing check.)
 */
export function hasDefiniteFillers(lines: readonly string[], layout: FormatLayout): boolean {
  const text = (sp: Span | undefined): string => (sp ? spanText(lines, sp) : '');
  const fields: Array<[Span | undefined, boolean]> = [
    [layout.name, true],
    [layout.documentNumber, false],
    [layout.personalNumber, false],
    [layout.optionalData, false],
    [layout.optionalData2, false],
  ];
  for (const [sp, isName] of fields) {
    const s = text(sp);
    if ((s.includes('K') || s.includes('L')) && definiteFillerOffsets(s, isName).length > 0) return true;
  }
  return false;
}
