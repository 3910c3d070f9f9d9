import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const kiosk = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [path.join(root, 'bin/kiosk.js'), 'mrz', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const TD1 = ['I<UTOD23145890<7349<<<<<<<<<<<', '3407127M9507122UTO<<<<<<<<<<<2', 'STEVENSON<<PETER<JOHN<<<<<<<<<'];

describe('kiosk mrz', () => {
  it('prints the MrzResult JSON and exits 0 for a valid MRZ', () => {
    const r = kiosk(...TD1, '--today', '2026-01-15');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['valid', 'format', 'fields', 'checks', 'corrections', 'errors']);
    expect(json).toMatchObject({ valid: true, format: 'TD1', fields: { documentNumber: 'D23145890734', surname: 'STEVENSON', givenNames: 'PETER JOHN' }, errors: [] });
    expect(json.checks).toEqual([
      { field: 'documentNumber', valid: true },
      { field: 'birthDate', valid: true },
      { field: 'expiryDate', valid: true },
      { field: 'composite', valid: true },
    ]);
  });

  it('repairs OCR confusions by default, and not with --no-repair (exit 1, errors with line and column)', () => {
    const noisy = [TD1[0]!, TD1[1]!.replace('3407127', '34O7127'), TD1[2]!];
    const fixed = kiosk(...noisy);
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout).corrections).toEqual([{ line: 2, column: 3, from: 'O', to: '0', field: 'birthDate' }]);
    const raw = kiosk('--no-repair', ...noisy);
    expect(raw.code).toBe(1);
    const json = JSON.parse(raw.stdout);
    expect(json.valid).toBe(false);
    expect(json.errors).toContainEqual(expect.objectContaining({ code: 'MRZ_DATE', field: 'birthDate', line: 2, column: 1 }));
    expect(json.errors).toContainEqual(expect.objectContaining({ code: 'MRZ_CHECK_DIGIT', field: 'birthDate', line: 2, column: 7 }));
  });

  it('accepts the lines in one argument separated by newlines', () => {
    expect(kiosk(TD1.join('\n')).code).toBe(0);
  });

  it('exits 1 with MRZ_LINE_COUNT for a wrong number of lines', () => {
    const r = kiosk(TD1[0]!);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).errors[0]).toMatchObject({ code: 'MRZ_LINE_COUNT', line: 2, column: 1 });
  });

  it('exits 2 on usage errors, with nothing on standard output', () => {
    for (const args of [[], ['--bogus', ...TD1], ['--today', 'yesterday', ...TD1]]) {
      const r = kiosk(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/kiosk mrz/);
    }
  });
});
