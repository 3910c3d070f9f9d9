import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../base/errors.js';
import { mrzInformation, parseMrz } from '../../mrz/index.js';
import { FID_CARD_ACCESS, LDS_FILES } from '../../emrtd/lds/files.js';
import { parseDg2 } from '../../emrtd/lds/dg2.js';
import { chipKeys, type GeneratedPassport, type PassportSettings } from './generate.js';

/**
 * A passport folder for `kiosk simulate nfc --passport DIR`: one file per EF named by the EF
 * (COM.bin, DG1.bin, DG2.bin, ..., SOD.bin, CardAccess.bin) plus passport.json with the MRZ, the
 * CAN and the access-control settings. A folder made by hand from a real chip dump works too:
 * passport.json then needs only "mrz" (and "accessControl" when PACE is wanted).
 */
const NAMES = new Map<number, string>([...LDS_FILES.map((f) => [f.fid, f.name] as const), [FID_CARD_ACCESS, 'CardAccess']]);

export async function savePassport(dir: string, p: GeneratedPassport): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [fid, bytes] of p.files) {
    const name = NAMES.get(fid) ?? fid.toString(16).padStart(4, '0').toUpperCase();
    await writeFile(path.join(dir, `${name}.bin`), bytes);
  }
  await writeFile(path.join(dir, 'passport.json'), JSON.stringify(p.settings, null, 2) + '\n');
}

export async function loadPassport(dir: string): Promise<GeneratedPassport> {
  let json: Partial<PassportSettings>;
  try {
    json = JSON.parse(await readFile(path.join(dir, 'passport.json'), 'utf8')) as Partial<PassportSettings>;
  } catch (e) {
    throw new UsageError('BAD_PASSPORT_DIR', `${dir} has no readable passport.json`, {}, { cause: e });
  }
  if (!Array.isArray(json.mrz)) throw new UsageError('BAD_PASSPORT_DIR', 'passport.json needs "mrz" (the MRZ lines)');
  const mrz = parseMrz(json.mrz);
  if (!mrz.valid) throw new UsageError('BAD_PASSPORT_DIR', 'passport.json: the MRZ is not valid');
  const files = new Map<number, Uint8Array>();
  for (const entry of await readdir(dir)) {
    const m = /^([A-Za-z0-9]+)\.bin$/.exec(entry);
    if (!m) continue;
    const name = m[1]!;
    const fid = name === 'CardAccess' ? FID_CARD_ACCESS : LDS_FILES.find((f) => f.name === name)?.fid ?? (/^[0-9A-Fa-f]{4}$/.test(name) ? parseInt(name, 16) : undefined);
    if (fid === undefined) continue;
    files.set(fid, new Uint8Array(await readFile(path.join(dir, entry))));
  }
  if (!files.has(0x011e) || !files.has(0x0101)) throw new UsageError('BAD_PASSPORT_DIR', `${dir} needs at least COM.bin and DG1.bin`);
  const accessControl = json.accessControl ?? { bac: true };
  const seed = json.keys?.seed ?? 'border-kiosk test PKI v1';
  const keys = chipKeys(seed, { aa: json.keys?.activeAuthentication !== undefined, ca: json.keys?.chipAuthentication !== undefined });
  let face: GeneratedPassport['face'] = { format: 'jpeg', width: 0, height: 0, bytes: new Uint8Array(0) };
  const dg2 = files.get(0x0102);
  if (dg2) {
    const f = parseDg2(dg2).faces[0];
    if (f) face = { format: f.info.format, width: f.info.width, height: f.info.height, bytes: f.image };
  }
  const fl = mrz.fields;
  const can = json.can ?? '123456';
  const settings: PassportSettings = {
    mrz: json.mrz,
    can,
    accessControl,
    face: json.face ?? { format: face.format, encoding: 'ISO19794-5', width: face.width, height: face.height },
    keys: json.keys ?? { seed },
    sod: json.sod ?? false,
  };
  return {
    settings,
    files,
    mrzInformation: mrzInformation(fl.documentNumber ?? '', fl.birthDate ?? '', fl.expiryDate ?? ''),
    mrz,
    can,
    accessControl,
    face,
    keys,
  };
}
