import { readFile } from 'node:fs/promises';
import { UsageError } from '../../../base/errors.js';
import { createDocumentChecker, type CheckPageResult, type Evidence } from '../../../checks/index.js';
import { optList, optNumber, optString, parseArgs } from '../args.js';
import { printJson, type CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { resolveModelsDir } from './models.js';

const USAGE = 'usage: kiosk check IMAGE... [--scanner-mrz LINE...] [--chip-mrz LINE...] [--threads N] [--timeout-ms N] [--models-dir DIR]';

/**
 * `kiosk check IMAGE...`: runs the document checks on data-page images (PNG or JPEG, any size) and
 * prints per image `{"image", "checks": [<evidence>...], "mrz": <kiosk mrz output or null>,
 * "printedFace": <region or null>, "timings": {"totalMs", "decodeMs", "qualityMs", "faceMs", "mrzMs", "crossMs"}}`
 * (a JSON array when several images are given). `--scanner-mrz` and `--chip-mrz` give the MRZ
 * lines to cross-check the printed MRZ with. A file that cannot be read gets `"error": {code, message}`
 * and every check not-run.
 * Exit 0 when no check failed or was inconclusive, 1 when one did (or an image was unreadable),
 * 4 when a model was unusable (missing, corrupt, failed to load, timed out), 2 on a usage error.
 */
export async function run(argv: string[], ctx: CliContext): Promise<number> {
  const args = parseArgs(argv, {
    'scanner-mrz': { type: 'multi' },
    'chip-mrz': { type: 'multi' },
    threads: { type: 'string', integer: true },
    'timeout-ms': { type: 'string', integer: true },
    'models-dir': { type: 'string' },
  });
  if (args.positionals.length === 0) throw new UsageError('MISSING_ARGUMENT', USAGE);
  const threads = optNumber(args, 'threads');
  const timeoutMs = optNumber(args, 'timeout-ms');
  if (threads !== undefined && (threads < 1 || threads > 64)) throw new UsageError('BAD_VALUE', '--threads takes 1..64');
  if (timeoutMs !== undefined && timeoutMs < 1) throw new UsageError('BAD_VALUE', '--timeout-ms takes a positive number');
  const scannerMrz = optList(args, 'scanner-mrz');
  const chipMrz = optList(args, 'chip-mrz');
  const checker = await createDocumentChecker({
    modelsDir: resolveModelsDir(optString(args, 'models-dir'), ctx.env),
    ...(threads !== undefined ? { threads } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    log: ctx.log.child('checks'),
  });
  const results: Record<string, unknown>[] = [];
  let exit: number = EXIT.OK;
  const worse = (code: number): void => {
    if (exit === EXIT.OK || (exit === EXIT.INVALID_DOCUMENT && code === EXIT.DEVICE)) exit = code;
  };
  try {
    for (const image of args.positionals) {
      let bytes: Uint8Array;
      let fileError: { code: string; message: string } | undefined;
      try {
        bytes = new Uint8Array(await readFile(image));
      } catch (e) {
        fileError = { code: 'FILE_UNREADABLE', message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
        bytes = new Uint8Array(0);
      }
      const r: CheckPageResult = await checker.checkPage({
        image: bytes,
        ...(scannerMrz.length ? { scannerMrz } : {}),
        ...(chipMrz.length ? { chipDg1Mrz: chipMrz } : {}),
      });
      const imageError = r.evidence.find((e) => e.reasonCode === 'IMAGE_UNREADABLE')?.details?.imageError;
      const error = fileError ?? (imageError ? { code: String(imageError), message: 'the file is not a PNG or JPEG image the checks can read' } : undefined);
      results.push({
        image,
        checks: r.evidence,
        mrz: r.mrz,
        printedFace: r.printedFace ? r.printedFace.region : null,
        timings: r.timings,
        ...(error ? { error } : {}),
      });
      if (error) worse(EXIT.INVALID_DOCUMENT);
      if (r.evidence.some((e: Evidence) => e.status === 'fail' || e.status === 'inconclusive')) worse(EXIT.INVALID_DOCUMENT);
      if (r.evidence.some((e: Evidence) => e.reasonCode.startsWith('MODEL_') || e.reasonCode === 'INFERENCE_FAILED')) worse(EXIT.DEVICE);
    }
  } finally {
    await checker.close();
  }
  printJson(ctx, results.length === 1 ? results[0] : results);
  return exit;
}
