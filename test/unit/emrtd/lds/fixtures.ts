import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromHex } from '../../../../main/base/bytes.js';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../fixtures/passports');

export interface SpecimenPassport {
  id: string;
  efCom: Uint8Array;
  sod: Uint8Array;
  dataGroups: Map<number, Uint8Array>;
}

/** A specimen passport copied from shared/vectors/real-sod (see test/fixtures/passports). */
export function specimen(name: 'DE-bsi2008-mustermann' | 'NL-loes2006-specimen'): SpecimenPassport {
  const j = JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as {
    id: string;
    efCom: string;
    sod: string;
    dataGroups: Record<string, string>;
  };
  const dataGroups = new Map<number, Uint8Array>();
  for (const [k, v] of Object.entries(j.dataGroups)) dataGroups.set(Number(k), fromHex(v));
  return { id: j.id, efCom: fromHex(j.efCom), sod: fromHex(j.sod), dataGroups };
}
