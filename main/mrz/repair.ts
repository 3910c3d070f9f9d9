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
 * Minimal change: a reading that already fits is never changed. Two confusions cannot be seen by a
 * 7-3-1 check digit at all (G=16 vs 6, K=20 vs `<`=0: they differ by a multiple of 10), so
 * they are not tried in alphanumeric fields; K in filler runs is handled by the filler rule only.
 */
import { checkDigit } from './check-digit.js';
import { isMrzCountryCode } from './countries.js';
import { longNumberExtension, type FormatLayout, type Span } from './layout.js';
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

export function repairLines(input: readonly string[], layout: FormatLayout): RepairOutcome {
  const g = input.map((l) => l.split(''));
  const ambiguities: RepairAmbiguity[] = [];
  const ch = (p: Pos): string => g[p.line]?.[p.index] ?? '';
  const put = (p: Pos, c: string): void => {
    const row = g[p.line];
    if (row && p.index < row.length) row[p.index] = c;
  };
  const text = (): string[] => g.map((r) => r.join(''));
  const positions = (line: number, start: number, length: number): Pos[] =>
    Array.from({ length }, (_, k) => ({ line, index: start + k }));
  const spanPositions = (sp: Span): Pos[] => positions(sp.line, sp.start, sp.length);
  const readAt = (ps: readonly Pos[]): string => ps.map(ch).join('');
  const restore = (ps: readonly Pos[]): void => {
    for (const p of ps) put(p, input[p.line]?.[p.index] ?? '');
  };
  const fillerize = (ps: readonly Pos[], isName: boolean): void => {
    for (const k of definiteFillerOffsets(readAt(ps), isName)) put(ps[k]!, '<');
  };
  const forceDigits = (ps: readonly Pos[]): void => {
    for (const p of ps) {
      const d = LETTER_TO_DIGIT[ch(p)];
      if (d !== undefined) put(p, d);
    }
  };
  const ambiguous = (field: MrzFieldName | MrzCheckName, ps: readonly Pos[], readings: string[]): void => {
    let first = 0;
    while (first < ps.length - 1 && readings.every((r) => r[first] === readings[0]![first])) first++;
    const p = ps[first] ?? ps[0]!;
    ambiguities.push({ field, line: p.line, index: p.index, candidates: readings.slice(0, MAX_CANDIDATES) });
    restore(ps);
  };

  // 1. Document code: first character a letter allowed for the format, second a letter or `<`.
  {
    const p0 = { line: layout.documentCode.line, index: layout.documentCode.start };
    const opts0 = (DIGIT_TO_LETTERS[ch(p0)] ?? []).filter((c) => layout.documentCodeLetters.includes(c));
    if (opts0.length === 1) put(p0, opts0[0]!);
    const p1 = { line: p0.line, index: p0.index + 1 };
    const opts1 = DIGIT_TO_LETTERS[ch(p1)] ?? [];
    if (opts1.length === 1) put(p1, opts1[0]!);
    else if (opts1.length > 1) {
      const ps = [p0, p1];
      ambiguous('documentCode', ps, opts1.map((c) => ch(p0) + c));
    }
  }

  // 2. Issuing state and nationality: the readings that are ICAO codes, with the fewest changes.
  const country = (sp: Span, field: MrzFieldName): void => {
    const ps = spanPositions(sp);
    const orig = readAt(ps);
    const valid = (x: string): boolean => /^[A-Z]+<*$/.test(x) && isMrzCountryCode(x.replace(/<+$/, ''));
    if (valid(orig)) return;
    const options = [...orig].map((c) => {
      if (isDigit(c)) return [...(DIGIT_TO_LETTERS[c] ?? [c])];
      if (c === 'K' || c === 'L') return [c, '<'];
      return [c];
    });
    let readings = [''];
    for (const o of options) readings = readings.flatMap((r) => o.map((c) => r + c));
    const cost = (x: string): number => [...x].filter((c, k) => c !== orig[k]).length;
    const fits = readings.filter(valid);
    if (fits.length === 0) return;
    const best = Math.min(...fits.map(cost));
    const chosen = fits.filter((x) => cost(x) === best);
    if (chosen.length === 1) ps.forEach((p, k) => put(p, chosen[0]![k]!));
    else ambiguous(field, ps, chosen);
  };
  country(layout.issuingState, 'issuingState');
  country(layout.nationality, 'nationality');

  // 3. Names: letters and fillers only.
  {
    const ps = spanPositions(layout.name);
    fillerize(ps, true);
    const open: Array<{ k: number; opts: readonly string[] }> = [];
    ps.forEach((p, k) => {
      const opts = DIGIT_TO_LETTERS[ch(p)];
      if (!opts) return;
      if (opts.length === 1) put(p, opts[0]!);
      else open.push({ k, opts });
    });
    if (open.length > 0) {
      let readings = [readAt(ps)];
      for (const { k, opts } of open) {
        readings = readings.flatMap((r) => opts.map((c) => r.slice(0, k) + c + r.slice(k + 1))).slice(0, MAX_CANDIDATES);
      }
      const sep = readAt(ps).indexOf('<<');
      ambiguous(sep >= 0 && open[0]!.k >= sep + 2 ? 'givenNames' : 'surname', ps, readings);
    }
  }

  // 4. Check-digit groups. Each: value positions, the check digit position, which value positions
  //    are alphanumeric (swappable), and how the check is computed.
  interface Group {
    name: MrzCheckName;
    values: Pos[];
    check: Pos;
    alnum: boolean[];
    passes: (values: string, check: string) => boolean;
  }
  const standard = (values: string, c: string): boolean => isDigit(c) && checkDigit(values) === Number(c);
  const groups: Group[] = [];
  const regionSkip = new Set<string>();
  const key = (p: Pos): string => `${p.line}:${p.index}`;
  {
    const docPs = spanPositions(layout.documentNumber);
    const ext = longNumberExtension(layout, text());
    if (ext !== null && ext.length >= 2 && layout.optionalData) {
      const extPs = positions(layout.optionalData.line, layout.optionalData.start, ext.length);
      const values = [...docPs, ...extPs.slice(0, -1)];
      groups.push({ name: 'documentNumber', values, check: extPs[extPs.length - 1]!, alnum: values.map(() => true), passes: standard });
      for (const p of extPs) regionSkip.add(key(p));
    } else {
      fillerize(docPs, false);
      groups.push({
        name: 'documentNumber',
        values: docPs,
        check: { line: layout.documentNumberCheck.line, index: layout.documentNumberCheck.start },
        alnum: docPs.map(() => true),
        passes: standard,
      });
    }
  }
  for (const [sp, ck, name] of [
    [layout.birthDate, layout.birthDateCheck, 'birthDate'],
    [layout.expiryDate, layout.expiryDateCheck, 'expiryDate'],
  ] as const) {
    const values = spanPositions(sp);
    forceDigits(values);
    groups.push({ name, values, check: { line: ck.line, index: ck.start }, alnum: values.map(() => false), passes: standard });
  }
  if (layout.personalNumber && layout.personalNumberCheck) {
    const values = spanPositions(layout.personalNumber);
    fillerize(values, false);
    groups.push({
      name: 'personalNumber',
      values,
      check: { line: layout.personalNumberCheck.line, index: layout.personalNumberCheck.start },
      alnum: values.map(() => true),
      passes: (v, c) => standard(v, c) || (/^<+$/.test(v) && c === '<'),
    });
  }

  /** Swaps for alphanumeric positions; L may be a `<` in the trailing run of fillers. */
  const swapsFor = (ps: readonly Pos[], swappable: readonly boolean[]): Array<{ p: Pos; alts: readonly string[] }> => {
    const s = readAt(ps);
    let tail = s.length;
    while (tail > 0 && fillerLike(s[tail - 1])) tail--;
    const out: Array<{ p: Pos; alts: readonly string[] }> = [];
    ps.forEach((p, k) => {
      if (!swappable[k]) return;
      const c = s[k]!;
      const alts = [...(ALNUM_SWAPS[c] ?? [])];
      if (c === 'L' && k >= tail) alts.push('<');
      if (alts.length > 0) out.push({ p, alts });
    });
    return out;
  };

  /** The sets of at most MAX_SWAPS swaps, fewest first, under which `test` passes. */
  const solve = (cands: Array<{ p: Pos; alts: readonly string[] }>, test: () => boolean): Array<Array<[Pos, string]>> => {
    if (test()) return [[]];
    const found: Array<Array<[Pos, string]>> = [];
    for (const a of cands) {
      const was = ch(a.p);
      for (const x of a.alts) {
        put(a.p, x);
        if (test()) found.push([[a.p, x]]);
      }
      put(a.p, was);
    }
    if (found.length > 0 || MAX_SWAPS < 2) return found;
    for (let i = 0; i < cands.length; i++) {
      const a = cands[i]!;
      const wasA = ch(a.p);
      for (const x of a.alts) {
        put(a.p, x);
        for (let j = i + 1; j < cands.length; j++) {
          const b = cands[j]!;
          const wasB = ch(b.p);
          for (const y of b.alts) {
            put(b.p, y);
            if (test()) found.push([[a.p, x], [b.p, y]]);
          }
          put(b.p, wasB);
        }
      }
      put(a.p, wasA);
    }
    return found;
  };

  let anyAmbiguous = ambiguities.length > 0;
  for (const gr of groups) {
    const cp = gr.check;
    const d = LETTER_TO_DIGIT[ch(cp)];
    if (d !== undefined) put(cp, d);
    const test = (): boolean => gr.passes(readAt(gr.values), ch(cp));
    const all = [...gr.values, cp];
    const solutions = solve(swapsFor(gr.values, gr.alnum), test);
    if (solutions.length === 1) for (const [p, x] of solutions[0]!) put(p, x);
    else if (solutions.length > 1) {
      const base = readAt(all);
      const readings = solutions.map((sol) => {
        const r = base.split('');
        for (const [p, x] of sol) r[all.findIndex((q) => q.line === p.line && q.index === p.index)] = x;
        return r.join('');
      });
      ambiguous(gr.name, all, readings);
      anyAmbiguous = true;
    }
  }

  // 5. The composite: the positions it covers that no other check covers (optional data of TD1
  //    and TD2) may be repaired against it, once every other field has one reading.
  if (layout.composite) {
    const cp = { line: layout.composite.check.line, index: layout.composite.check.start };
    const d = LETTER_TO_DIGIT[ch(cp)];
    if (d !== undefined) put(cp, d);
    const grouped = new Set<string>([...regionSkip, ...groups.flatMap((gr) => [...gr.values, gr.check].map(key))]);
    const regionSpans = [layout.optionalData, layout.optionalData2].filter((sp): sp is Span => sp !== undefined);
    const regions = regionSpans.map((sp) => spanPositions(sp).filter((p) => !grouped.has(key(p))));
    for (const r of regions) fillerize(r, false);
    const over = layout.composite.over.flatMap(spanPositions);
    const test = (): boolean => standard(readAt(over), ch(cp));
    if (!anyAmbiguous) {
      const cands = regions.flatMap((r) => swapsFor(r, r.map(() => true)));
      const solutions = solve(cands, test);
      if (solutions.length === 1) for (const [p, x] of solutions[0]!) put(p, x);
      else if (solutions.length > 1) {
        const all = regions.flat();
        const base = readAt(all);
        const readings = solutions.map((sol) => {
          const r = base.split('');
          for (const [p, x] of sol) r[all.findIndex((q) => q.line === p.line && q.index === p.index)] = x;
          return r.join('');
        });
        ambiguous('composite', all, readings);
      }
    }
  } else if (layout.optionalData) {
    // Visas: the optional data is covered by no check; only definite fillers are repaired.
    fillerize(spanPositions(layout.optionalData), false);
  }

  const lines = text();
  const changes: RepairChange[] = [];
  lines.forEach((l, li) => {
    const orig = input[li] ?? '';
    for (let k = 0; k < l.length; k++) {
      if (l[k] !== orig[k]) changes.push({ line: li, index: k, from: orig[k] ?? '', to: l[k]! });
    }
  });
  return { lines, changes, ambiguities };
}
